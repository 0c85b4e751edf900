// SPDX-License-Identifier: Apache-2.0
#include "sim/SimHttpApi.hpp"

#include "sim/TestNumbers.hpp"

namespace tccc::server::sim {

namespace {

HttpResponse json(int status, const Json& body) {
  HttpResponse r;
  r.status = status;
  r.body = protocol::dump(body);
  return r;
}

HttpResponse error(const Error& e) {
  int status = 400;
  if (e.code == Errc::NotFound || e.code == Errc::SessionNotFound) status = 404;
  return json(
      status,
      Json{{"error",
            {{"code", static_cast<int>(e.code)}, {"name", std::string(errcName(e.code))}, {"message", e.message}}}});
}

std::string queryParam(const std::string& query, const std::string& name) {
  std::size_t pos = 0;
  while (pos <= query.size()) {
    std::size_t amp = query.find('&', pos);
    std::string part = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    std::size_t eq = part.find('=');
    if (part.substr(0, eq) == name) return eq == std::string::npos ? "" : part.substr(eq + 1);
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return "";
}

}  // namespace

HttpResponse SimHttpApi::inbound(routing::RoutingEngine& engine, const HttpRequest& request, std::int64_t nowMs,
                                 const AudioCheck& checkAudio) {
  Json body = protocol::parseJson(request.body);
  if (body.is_discarded() || !body.is_object())
    return error(Error(Errc::InvalidArgument, "the body must be a JSON object"));
  Error e;
  routing::SimInboundRequest r;
  auto caller = protocol::readString(body, "caller", 32, &e);
  if (e) return error(e);
  auto number = protocol::readString(body, "serviceNumber", 32, &e);
  if (e) return error(e);
  if (!caller || !number) return error(Error(Errc::InvalidArgument, "caller and serviceNumber are required"));
  r.caller = *caller;
  r.serviceNumber = *number;
  // ivrKeys: "12" or ["1","2"] or [1,2].
  if (body.contains("ivrKeys") && !body["ivrKeys"].is_null()) {
    const Json& k = body["ivrKeys"];
    if (k.is_string()) {
      r.ivrKeys = k.get<std::string>();
    } else if (k.is_array()) {
      for (auto& item : k) {
        if (item.is_string() && item.get<std::string>().size() == 1)
          r.ivrKeys += item.get<std::string>();
        else if (item.is_number_integer() && item.get<std::int64_t>() >= 0 && item.get<std::int64_t>() <= 9)
          r.ivrKeys += static_cast<char>('0' + item.get<std::int64_t>());
        else
          return error(Error(Errc::InvalidArgument, "ivrKeys items must be single keys"));
      }
    } else {
      return error(Error(Errc::InvalidArgument, "ivrKeys must be a string or an array of keys"));
    }
  }
  auto hold = protocol::readInt(body, "holdSeconds", &e);
  if (e) return error(e);
  if (hold && *hold < 0) return error(Error(Errc::InvalidArgument, "holdSeconds must not be negative"));
  r.holdSeconds = hold ? static_cast<int>(std::min<std::int64_t>(*hold, 86401)) : -1;
  auto audio = protocol::readString(body, "audioFile", 1024, &e);
  if (e) return error(e);
  r.audioFile = audio.value_or("");
  // Refused up front (path outside the allowed directories, not a playable WAV) rather than
  // discovered when an agent answers and hears the built-in voice instead.
  if (!r.audioFile.empty() && checkAudio) {
    std::string why = checkAudio(r.audioFile);
    if (!why.empty()) return error(Error(Errc::InvalidArgument, why));
  }
  auto out = engine.simInbound(r, nowMs);
  if (auto* err = std::get_if<Error>(&out)) return error(*err);
  return json(200, Json{{"sessionId", std::get<std::string>(out)}});
}

HttpResponse SimHttpApi::session(const routing::RoutingEngine& engine, const HttpRequest& request,
                                 const MediaStats& media) {
  static const std::string prefix = "/sim/sessions/";
  std::string id = request.path.size() > prefix.size() && request.path.compare(0, prefix.size(), prefix) == 0
                       ? request.path.substr(prefix.size())
                       : queryParam(request.query, "sessionId");
  if (id.empty() || id.size() > 64) return error(Error(Errc::InvalidArgument, "give a sessionId"));
  auto s = engine.simSession(id);
  if (!s) return error(Error(Errc::SessionNotFound, "no session " + id));
  if (media) {
    if (auto m = media(id)) (*s)["media"] = std::move(*m);
  }
  return json(200, *s);
}

HttpResponse SimHttpApi::impair(const routing::RoutingEngine& engine, const HttpRequest& request, const Impair& apply) {
  static const std::string prefix = "/sim/sessions/", suffix = "/impair";
  const std::string& path = request.path;
  if (path.size() <= prefix.size() + suffix.size() ||
      path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0)
    return error(Error(Errc::NotFound, "POST /sim/sessions/<id>/impair is the only action on a session"));
  const std::string id = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  if (id.empty() || id.size() > 64 || id.find('/') != std::string::npos)
    return error(Error(Errc::InvalidArgument, "give a sessionId"));
  Json body = protocol::parseJson(request.body);
  if (!body.is_object()) return error(Error(Errc::InvalidArgument, "the body must be a JSON object"));
  auto loss = body.find("loss");
  auto blockUdp = body.find("blockUdp");
  if (loss == body.end() && blockUdp == body.end())
    return error(Error(Errc::InvalidArgument, "give loss (a number from 0 to 1), blockUdp (true or false) or both"));
  if (loss != body.end() && !loss->is_number())
    return error(Error(Errc::InvalidArgument, "loss must be a number from 0 to 1"));
  if (blockUdp != body.end() && !blockUdp->is_boolean())
    return error(Error(Errc::InvalidArgument, "blockUdp must be true or false"));
  const double fraction = loss == body.end() ? 0.0 : loss->get<double>();
  if (!(fraction >= 0 && fraction <= 1)) return error(Error(Errc::InvalidArgument, "loss must be from 0 to 1"));
  const bool udpBlocked = blockUdp != body.end() && blockUdp->get<bool>();
  if (!engine.simSession(id)) return error(Error(Errc::SessionNotFound, "no session " + id));
  if (!apply || !apply(id, fraction, udpBlocked))
    return error(Error(Errc::InvalidState, "session " + id + " has no media at the server"));
  return json(200, Json{{"sessionId", id}, {"loss", fraction}, {"blockUdp", udpBlocked}});
}

HttpResponse SimHttpApi::testNumbers() {
  Json rows = Json::array();
  for (auto& n : kTestNumbers)
    rows.push_back(Json{{"number", std::string(n.number)}, {"description", std::string(n.description)}});
  return json(200, Json{{"testNumbers", rows}});
}

}  // namespace tccc::server::sim
