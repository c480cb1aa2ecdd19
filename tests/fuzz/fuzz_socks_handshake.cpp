// libFuzzer target: SocksHandshakeParser, the server side of SOCKS4/4a and SOCKS5
// (with RFC 1929) as SocksSession drives it. The input is fed whole and in pieces;
// both runs must reach the same messages, request and error reply.
#include "FuzzSplitter.h"
#include "SocksHandshakeParser.h"

#include <QList>

using namespace Switchyard;

namespace {

struct Trace
{
    QList<int> results;
    QByteArray methods;
    QByteArray username;
    QByteArray password;
    SocksRequest request;
    int errorReply = -2;
    QByteArray remaining;

    bool operator==(const Trace& other) const
    {
        return results == other.results && methods == other.methods && username == other.username &&
               password == other.password && request.socks4 == other.request.socks4 &&
               request.socks4a == other.request.socks4a &&
               request.command == other.request.command && request.host == other.request.host &&
               request.port == other.request.port && request.userId == other.request.userId &&
               errorReply == other.errorReply && remaining == other.remaining;
    }
};

Trace run(const char* data, qsizetype size, const FuzzSplitter* splitter, bool authRequired)
{
    Trace trace;
    SocksHandshakeParser parser;
    qsizetype position = 0;
    size_t pieceIndex = 0;
    bool over = false;
    while (position < size && !over) {
        const qsizetype piece =
            std::min(size - position, splitter ? qsizetype(splitter->piece(pieceIndex++)) : size);
        parser.append(data + position, piece);
        position += piece;
        for (int round = 0; !over; ++round) {
            FUZZ_CHECK(round < 8); // greeting, credentials, request: then it is over
            const SocksHandshakeParser::Result result = parser.next();
            if (result == SocksHandshakeParser::Result::NeedMore)
                break;
            trace.results.append(int(result));
            switch (result) {
            case SocksHandshakeParser::Result::NeedMore:
                break;
            case SocksHandshakeParser::Result::Greeting: {
                FUZZ_CHECK(parser.stage() == SocksHandshakeParser::Stage::MethodChoice);
                FUZZ_CHECK(!parser.isSocks4());
                trace.methods = parser.methods();
                FUZZ_CHECK(trace.methods.size() <= 255);
                const char wanted = authRequired ? '\x02' : '\x00';
                if (trace.methods.contains(wanted)) {
                    parser.chooseMethod(quint8(wanted));
                } else {
                    parser.chooseMethod(0xff);
                    over = true;
                }
                break;
            }
            case SocksHandshakeParser::Result::Credentials:
                FUZZ_CHECK(authRequired);
                trace.username = parser.username();
                trace.password = parser.password();
                FUZZ_CHECK(!trace.username.isEmpty() && trace.username.size() <= 255);
                FUZZ_CHECK(!trace.password.isEmpty() && trace.password.size() <= 255);
                break;
            case SocksHandshakeParser::Result::Request:
                trace.request = parser.request();
                FUZZ_CHECK(parser.stage() == SocksHandshakeParser::Stage::Done);
                FUZZ_CHECK(!trace.request.host.isEmpty());
                over = true;
                break;
            case SocksHandshakeParser::Result::Error:
                trace.errorReply = parser.errorReply();
                FUZZ_CHECK(parser.stage() == SocksHandshakeParser::Stage::Failed);
                FUZZ_CHECK(!parser.error().isEmpty());
                FUZZ_CHECK(trace.errorReply >= -1 && trace.errorReply <= 0xff);
                over = true;
                break;
            }
        }
        // The size cap holds however the bytes arrive.
        if (!over)
            FUZZ_CHECK(parser.bufferedSize() <= SocksHandshakeParser::kDefaultMaxBytes);
    }
    if (over && parser.stage() == SocksHandshakeParser::Stage::Done && !trace.results.isEmpty() &&
        trace.results.last() == int(SocksHandshakeParser::Result::Request)) {
        // Early tunnel data: everything after the request, unchanged.
        QByteArray rest = parser.takeRemaining();
        rest.append(data + position, size - position);
        trace.remaining = rest;
    }
    return trace;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t length)
{
    if (length < 1)
        return 0;
    const FuzzSplitter splitter(bytes[0]);
    const bool authRequired = (bytes[0] & 0x80) != 0;
    const char* data = reinterpret_cast<const char*>(bytes + 1);
    const qsizetype size = qsizetype(length - 1);
    const Trace whole = run(data, size, nullptr, authRequired);
    const Trace split = run(data, size, &splitter, authRequired);
    FUZZ_CHECK(whole == split);
    return 0;
}
