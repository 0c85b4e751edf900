// SPDX-License-Identifier: Apache-2.0
// A cloud API failure as the caller sees it: Response.Error.{Code, Message}. Thrown inside action
// handlers and turned into the error envelope at the CloudApi boundary (never escapes it).
#ifndef TCCC_SERVER_CLOUD_CLOUDAPIERROR_HPP
#define TCCC_SERVER_CLOUD_CLOUDAPIERROR_HPP

#include <string>

namespace tccc::server {

struct CloudApiError {
  std::string code;  // e.g. "InvalidParameter", "AuthFailure.SignatureFailure"
  std::string message;
};

}  // namespace tccc::server

#endif
