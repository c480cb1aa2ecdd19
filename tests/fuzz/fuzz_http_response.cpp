// libFuzzer target: the response side, as HttpForwarder and OutboundConnector use
// HttpParser on bytes from an origin or an exit. Input is fed whole and in pieces
// (same messages, bodies and verdict both ways); the peer's close is simulated at
// the end (finish()), and every complete final response is re-framed the way the
// forwarder sends it to the client and must parse back to the same status and body.
#include "FuzzSplitter.h"
#include "HeaderRewriter.h"
#include "HttpParser.h"

#include <QList>

using namespace Switchyard;

namespace {

enum class Request { Get, Head, Connect };

struct Message
{
    HttpHead head;
    QByteArray body;
    bool complete = false;
    bool chunked = false;
    bool untilClose = false;
};

struct Trace
{
    QList<Message> messages;
    bool error = false;
    bool upgrade = false;
    bool finishedCleanly = false;

    bool operator==(const Trace& other) const
    {
        if (error != other.error || upgrade != other.upgrade ||
            finishedCleanly != other.finishedCleanly || messages.size() != other.messages.size())
            return false;
        for (qsizetype i = 0; i < messages.size(); ++i) {
            const Message& a = messages[i];
            const Message& b = other.messages[i];
            if (a.head.status != b.head.status || a.head.reason != b.head.reason ||
                a.head.headers != b.head.headers || a.body != b.body || a.complete != b.complete)
                return false;
        }
        return true;
    }
};

class Recorder : public HttpMessageHandler
{
public:
    Recorder(Trace* trace, HttpParser** parser, Request request)
        : m_trace(trace), m_parser(parser), m_request(request)
    {}
    HeadAction onHead(HttpHead& head) override
    {
        FUZZ_CHECK(head.status >= 100 && head.status <= 999);
        Message message;
        message.head = head;
        message.chunked = (*m_parser)->isChunked();
        message.untilClose = (*m_parser)->bodyUntilClose();
        FUZZ_CHECK(!(message.chunked && head.contains("content-length")));
        m_trace->messages.append(message);
        if (m_request == Request::Connect && head.status >= 200 && head.status < 300)
            return HeadAction::Tunnel;
        if (m_request == Request::Head && head.status >= 200)
            return HeadAction::SkipBody;
        return HeadAction::Continue;
    }
    void onBody(const char* data, qsizetype size) override
    {
        FUZZ_CHECK(!m_trace->messages.isEmpty());
        FUZZ_CHECK(m_request != Request::Head || m_trace->messages.last().head.status < 200);
        m_trace->messages.last().body.append(data, size);
    }
    void onMessageComplete() override
    {
        FUZZ_CHECK(!m_trace->messages.isEmpty());
        FUZZ_CHECK(!m_trace->messages.last().complete);
        m_trace->messages.last().complete = true;
    }

private:
    Trace* m_trace;
    HttpParser** m_parser;
    Request m_request;
};

Trace run(const char* data, qsizetype size, const FuzzSplitter* splitter, Request request,
          const HttpParser::Limits& limits)
{
    Trace trace;
    HttpParser* parserPointer = nullptr;
    Recorder recorder(&trace, &parserPointer, request);
    HttpParser parser(HttpParser::Type::Response, &recorder, limits);
    parserPointer = &parser;
    qsizetype position = 0;
    qsizetype pieceEnd = 0;
    size_t pieceIndex = 0;
    qsizetype rounds = 0;
    while (position < size) {
        FUZZ_CHECK(++rounds < 4 * size + 64);
        if (position >= pieceEnd)
            pieceEnd = std::min(
                size, position + (splitter ? qsizetype(splitter->piece(pieceIndex++)) : size));
        qsizetype consumed = -1;
        const HttpParser::Status status =
            parser.feed(data + position, pieceEnd - position, &consumed);
        FUZZ_CHECK(consumed >= 0 && consumed <= pieceEnd - position);
        position += consumed;
        switch (status) {
        case HttpParser::Status::NeedMore:
            FUZZ_CHECK(position == pieceEnd);
            break;
        case HttpParser::Status::Paused:
            FUZZ_CHECK(false); // this handler never pauses
            break;
        case HttpParser::Status::MessageComplete:
            FUZZ_CHECK(!parser.inMessage());
            // Only interim responses may be followed by another on the same request;
            // a final one leaves the rest unread (the forwarder discards the connection).
            if (trace.messages.last().head.status >= 200)
                return trace;
            parser.resume();
            break;
        case HttpParser::Status::Upgrade:
            trace.upgrade = true;
            return trace;
        case HttpParser::Status::Error:
            trace.error = true;
            FUZZ_CHECK(!parser.error().isEmpty());
            return trace;
        }
    }
    // The origin closes: a read-until-close body ends, anything else is truncated.
    if (parser.inMessage()) {
        const HttpParser::Status status = parser.finish();
        trace.finishedCleanly = status == HttpParser::Status::MessageComplete;
        FUZZ_CHECK(!trace.finishedCleanly || !trace.messages.isEmpty());
    }
    return trace;
}

void checkRoundTrip(const Message& message, Request request)
{
    if (!message.complete || message.head.status < 200 || request != Request::Get)
        return;
    const bool bodiless = message.head.status == 204 || message.head.status == 304;
    HttpHead head = message.head;
    HeaderRewriter::stripHopByHop(head, {});
    const bool rechunk = !bodiless && (message.chunked || message.untilClose);
    if (rechunk)
        head.headers.append({QByteArrayLiteral("Transfer-Encoding"), QByteArrayLiteral("chunked")});
    QByteArray bytes = head.serializeResponse();
    if (rechunk && !message.body.isEmpty())
        bytes += QByteArray::number(message.body.size(), 16) + "\r\n" + message.body + "\r\n";
    if (rechunk)
        bytes += "0\r\n\r\n";
    else if (!bodiless)
        bytes += message.body;

    Trace trace;
    HttpParser* parserPointer = nullptr;
    Recorder recorder(&trace, &parserPointer, Request::Get);
    HttpParser parser(HttpParser::Type::Response, &recorder, {1 << 30, 1 << 30, 1 << 20});
    parserPointer = &parser;
    qsizetype consumed = 0;
    HttpParser::Status status = parser.feed(bytes.constData(), bytes.size(), &consumed);
    if (status == HttpParser::Status::NeedMore && parser.inMessage())
        status = parser.finish(); // 204/304 and friends may need the close to end
    FUZZ_CHECK(status == HttpParser::Status::MessageComplete);
    FUZZ_CHECK(trace.messages.size() == 1);
    FUZZ_CHECK(trace.messages[0].head.status == message.head.status);
    FUZZ_CHECK(bodiless || trace.messages[0].body == message.body);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t length)
{
    if (length < 1)
        return 0;
    const FuzzSplitter splitter(bytes[0]);
    const Request request = (bytes[0] & 0x30) == 0x10   ? Request::Head
                            : (bytes[0] & 0x30) == 0x20 ? Request::Connect
                                                        : Request::Get;
    const char* data = reinterpret_cast<const char*>(bytes + 1);
    const qsizetype size = qsizetype(length - 1);
    const HttpParser::Limits limits{4096, 4096, 48};

    const Trace whole = run(data, size, nullptr, request, limits);
    const Trace split = run(data, size, &splitter, request, limits);
    FUZZ_CHECK(whole == split);
    for (const Message& message : whole.messages)
        checkRoundTrip(message, request);
    return 0;
}
