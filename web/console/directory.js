// SPDX-License-Identifier: Apache-2.0
// The tenant's directory as the views share it: its skill groups and its staff (with their live
// status), loaded through the cloud API once and again after every change. Staff, groups, numbers
// and records all read it; none keeps a copy of its own.
import { api, allPages } from './console-api.js';
import { showError } from './dom.js';
import { errorText } from './i18n.js';

let groupList = [];
let staffList = [];
let statuses = new Map(); // mail -> status ("free", "busy", …, "offline")
let loadedGroups = null;
let loadedStaff = null;

/** The skill groups (DescribeSkillGroupInfoList rows), by id. */
export function groups() {
  return groupList;
}

export function groupById(id) {
  return groupList.find((g) => Number(g.SkillGroupId) === Number(id));
}

/** A group's name, or "#id" for one that is gone. */
export function groupName(id) {
  const g = groupById(id);
  return g ? g.SkillGroupName : `#${id}`;
}

/** Groups that take calls (phone 0, audio 3): the only ones an IVR key or a number may lead to. */
export function voiceGroups() {
  return groupList.filter((g) => Number(g.SkillGroupType) === 0 || Number(g.SkillGroupType) === 3);
}

/** The staff (DescribeStaffInfoList rows). */
export function staff() {
  return staffList;
}

export function staffByMail(mail) {
  return staffList.find((s) => s.Mail === mail);
}

export function statusOf(mail) {
  return statuses.get(mail) || 'offline';
}

/** How many staff members are in group `id`. */
export function memberCount(id) {
  return staffList.filter((s) => (s.SkillGroupList || []).some((g) => Number(g.SkillGroupId) === Number(id))).length;
}

export function loadGroups(force = false) {
  if (!loadedGroups || force) {
    loadedGroups = allPages('DescribeSkillGroupInfoList', {}, 'SkillGroupList').then(
      (rows) => {
        groupList = rows.sort((a, b) => Number(a.SkillGroupId) - Number(b.SkillGroupId));
        return groupList;
      },
      (e) => {
        loadedGroups = null;
        throw e;
      },
    );
  }
  return loadedGroups;
}

/** Opens a new-item form that offers the skill groups, once they are known (or says why not). */
export function openWithGroups(openForm) {
  loadGroups().then(
    () => openForm(null),
    (e) => showError(errorText(e)),
  );
}

export function loadStaff(force = false) {
  if (!loadedStaff || force) {
    loadedStaff = Promise.all([
      allPages('DescribeStaffInfoList', {}, 'StaffList'),
      // Live status is a nicety: a failure here must not hide the list.
      api('DescribeStaffStatusMetrics', {}).catch(() => ({ Metrics: [] })),
    ]).then(
      ([rows, metrics]) => {
        staffList = rows;
        statuses = new Map();
        for (const m of metrics.Metrics || []) if (m && typeof m.Email === 'string') statuses.set(m.Email, m.Status);
        return staffList;
      },
      (e) => {
        loadedStaff = null;
        throw e;
      },
    );
  }
  return loadedStaff;
}

/** Forgets everything (sign-out): the next view loads afresh. */
export function reset() {
  groupList = [];
  staffList = [];
  statuses = new Map();
  loadedGroups = null;
  loadedStaff = null;
}
