// SPDX-License-Identifier: Apache-2.0
// GET/HEAD /records/<id>.ogg through the real HTTP server on 127.0.0.1: signatures, expiry, byte
// ranges, HEAD, and the ids that must not reach the disk.
#include "../StoreTestSupport.hpp"
#include "http/HttpServer.hpp"
#include "recording/RecordUrlSigner.hpp"
#include "recording/RecordingRoute.hpp"
#include "store/SqliteStore.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <fstream>
#include <future>
#include <thread>

using namespace tccc::server;
using tccc::server::test::TempDir;
namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr std::int64_t kNow = 1700000000;

/// The server with only the recordings route, on its own io thread.
struct RouteRig {
  RouteRig()
      : store(dir.file("tccc.db")),
        signer(std::string(32, 'k'), "http://127.0.0.1", 3600),
        route(store, signer, [this] { return now.load(); }),
        server(io, options()) {
    // 300 KB of a known pattern: several 64 KB chunks, and every byte checkable.
    content.resize(300 * 1024);
    for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>((i * 7 + i / 251) & 0xff);
    std::ofstream(dir.file("complete.ogg"), std::ios::binary) << content;
    complete = add("complete", dir.file("complete.ogg"));
    stillRecording = add("recording", dir.file("recording.ogg"));
    gone = add("complete", dir.file("deleted.ogg"));
    server.addPrefix("GET", RecordingRoute::kPrefix, [this](const HttpRequest& r) { return route.serve(r); });
    port = server.listen();
    thread = std::thread([this] { io.run(); });
  }
  ~RouteRig() {
    std::promise<void> done;
    asio::post(io, [&] {
      server.stop();
      done.set_value();
    });
    done.get_future().wait();
    io.stop();
    thread.join();
  }
  static HttpServerOptions options() {
    HttpServerOptions o;
    o.port = 0;
    o.httpRatePerSec = 1000;
    o.httpBurst = 1000;
    return o;
  }
  std::string add(const std::string& state, const std::string& path) {
    RecordingRecord r;
    r.recordId = RecordUrlSigner::newRecordId();
    r.sdkAppId = 7;
    r.sessionId = "s1";
    r.participant = "customer";
    r.path = path;
    r.state = state;
    store.saveRecording(r, std::nullopt);
    return r.recordId;
  }
  /// The target part of a signed link (path and query).
  std::string target(const std::string& id) const {
    std::string url = signer.url(id, now.load());
    return url.substr(std::string("http://127.0.0.1").size());
  }

  http::response<http::string_body> get(const std::string& target, const std::string& range = "",
                                        http::verb verb = http::verb::get) {
    asio::io_context client;
    beast::tcp_stream stream(client);
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!range.empty()) req.set(http::field::range, range);
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(10 * 1024 * 1024);
    parser.skip(verb == http::verb::head);
    http::read(stream, buffer, parser);
    return parser.release();
  }

  TempDir dir;
  SqliteStore store;
  RecordUrlSigner signer;
  std::atomic<std::int64_t> now{kNow};
  RecordingRoute route;
  asio::io_context io;
  HttpServer server;
  std::string content;
  std::string complete, stillRecording, gone;
  unsigned short port = 0;
  std::thread thread;
};

}  // namespace

TEST(RecordingRouteTest, ServesWholeFilesAndSingleRanges) {
  RouteRig rig;
  const std::string url = rig.target(rig.complete);
  const auto size = rig.content.size();
  struct Case {
    const char* range;
    int status;
    std::size_t first, length;  // of the content, for 200/206
  };
  const Case cases[] = {
      {"", 200, 0, size},
      {"bytes=0-99", 206, 0, 100},
      {"bytes=70000-", 206, 70000, size - 70000},
      {"bytes=-500", 206, size - 500, 500},
      {"bytes=-999999999", 206, 0, size},            // more than the file: all of it
      {"bytes=100-99999999", 206, 100, size - 100},  // the end is clipped
      {"bytes=0-1,5-9", 200, 0, size},               // several ranges: the whole file instead
      {"items=0-9", 200, 0, size},                   // not bytes: ignored
      {"bytes=9-1", 200, 0, size},                   // invalid: ignored
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.range);
    auto res = rig.get(url, c.range);
    ASSERT_EQ(res.result_int(), c.status);
    EXPECT_EQ(res[http::field::content_type], "audio/ogg");
    EXPECT_EQ(res[http::field::accept_ranges], "bytes");
    EXPECT_EQ(res.body().size(), c.length);
    EXPECT_TRUE(res.body() == rig.content.substr(c.first, c.length));
    if (c.status == 206) {
      EXPECT_EQ(res[http::field::content_range], "bytes " + std::to_string(c.first) + "-" +
                                                     std::to_string(c.first + c.length - 1) + "/" +
                                                     std::to_string(size));
    }
  }
  auto outside = rig.get(url, "bytes=" + std::to_string(size) + "-");
  EXPECT_EQ(outside.result_int(), 416);
  EXPECT_EQ(outside[http::field::content_range], "bytes */" + std::to_string(size));
  EXPECT_EQ(rig.get(url, "bytes=-0").result_int(), 416);

  auto head = rig.get(url, "", http::verb::head);
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_EQ(head[http::field::content_length], std::to_string(size));
  EXPECT_TRUE(head.body().empty());
  auto headRange = rig.get(url, "bytes=10-19", http::verb::head);
  EXPECT_EQ(headRange.result_int(), 206);
  EXPECT_EQ(headRange[http::field::content_length], "10");
}

TEST(RecordingRouteTest, RefusesBadLinksAndUnservableRecordings) {
  RouteRig rig;
  const std::string good = rig.target(rig.complete);
  std::string tamperedSig = good;
  tamperedSig.back() = tamperedSig.back() == '0' ? '1' : '0';
  std::string otherId = good;
  otherId.replace(otherId.find(rig.complete), rig.complete.size(), rig.stillRecording);
  struct Case {
    const char* name;
    std::string target;
    int status;
    const char* says;
  };
  const Case cases[] = {
      {"tampered signature", tamperedSig, 403, "not valid"},
      {"signature of another record", otherId, 403, "not valid"},
      {"no signature", "/records/" + rig.complete + ".ogg", 403, "not valid"},
      {"unknown record", rig.target(RecordUrlSigner::newRecordId()), 404, "no such recording"},
      {"still recording", rig.target(rig.stillRecording), 404, "no such recording"},
      {"file gone", rig.target(rig.gone), 404, "missing"},
      {"not .ogg", "/records/" + rig.complete + ".wav", 404, "no such recording"},
      {"traversal", "/records/..%2F..%2Ftccc.db.ogg", 404, "no such recording"},
      {"traversal, plain", "/records/../tccc.db", 404, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto res = rig.get(c.target);
    EXPECT_EQ(res.result_int(), c.status);
    EXPECT_NE(res.body().find(c.says), std::string::npos) << res.body();
    EXPECT_EQ(res.body().find(rig.content.substr(0, 64)), std::string::npos);
  }
  rig.now = kNow + 3600;  // the link's last second has passed
  auto expired = rig.get(good);
  EXPECT_EQ(expired.result_int(), 403);
  EXPECT_NE(expired.body().find("expired"), std::string::npos);
}

TEST(RecordingRouteTest, ParsesRangesAgainstTheFileSize) {
  using Kind = RecordingRoute::ByteRange::Kind;
  struct Case {
    const char* header;
    std::uint64_t size;
    Kind kind;
    std::uint64_t first, length;
  };
  const Case cases[] = {
      {"bytes=0-0", 10, Kind::Part, 0, 1},
      {"bytes= 2 - 4 ", 10, Kind::Part, 2, 3},
      {"bytes=9-", 10, Kind::Part, 9, 1},
      {"bytes=10-", 10, Kind::Unsatisfiable, 0, 0},
      {"bytes=-3", 10, Kind::Part, 7, 3},
      {"bytes=-3", 0, Kind::Unsatisfiable, 0, 0},
      {"bytes=0-", 0, Kind::Unsatisfiable, 0, 0},
      {"bytes=a-b", 10, Kind::Whole, 0, 10},
      {"bytes=-", 10, Kind::Whole, 0, 10},
      {"", 10, Kind::Whole, 0, 10},
      {"bytes=99999999999999999999-", 10, Kind::Whole, 0, 10},
  };
  for (const auto& c : cases) {
    auto r = RecordingRoute::parseRange(c.header, c.size);
    EXPECT_EQ(r.kind, c.kind) << c.header;
    if (c.kind == Kind::Part) {
      EXPECT_EQ(r.first, c.first) << c.header;
      EXPECT_EQ(r.length, c.length) << c.header;
    }
  }
}
