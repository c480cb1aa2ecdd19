// libFuzzer target: the proxy's request side. HttpParser (llhttp plus the RFC 9112
// framing checks and limits) is fed the input whole and again cut into pieces;
// both runs must see the same messages, bodies and error status. Every request
// that parses is then rewritten the way HttpProxySession forwards it (hop-by-hop
// fields stripped, body re-chunked canonically) and must parse back to the same
// head and body: what the engine sends to an origin is never ambiguous.
#include "FuzzSplitter.h"
#include "HeaderRewriter.h"
#include "HttpParser.h"

#include <QList>

using namespace Switchyard;

namespace {

struct Message
{
    HttpHead head;
    QByteArray body;
    QList<QByteArray> pieces; ///< body as onBody delivered it
    bool complete = false;
    bool chunked = false;
    qint64 contentLength = -1;
};

struct Trace
{
    QList<Message> messages;
    int errorStatus = 0;
    bool upgrade = false;

    bool operator==(const Trace& other) const
    {
        // The size limits are checked as spans arrive, and llhttp hands a span over
        // only at its end or at the end of the input: a bad byte past a limit is a
        // 400 when it comes in one piece, a 414/431 when the limit is crossed
        // first. Either way the request is refused; any other verdict must match.
        const auto limit = [](int status) {
            return status == 414 || status == 431;
        };
        const bool bothRefused = errorStatus != 0 && other.errorStatus != 0;
        if (errorStatus != other.errorStatus &&
            !(bothRefused && (limit(errorStatus) || limit(other.errorStatus))))
            return false;
        if (upgrade != other.upgrade || messages.size() != other.messages.size())
            return false;
        for (qsizetype i = 0; i < messages.size(); ++i) {
            const Message& a = messages[i];
            const Message& b = other.messages[i];
            if (a.head.method != b.head.method || a.head.target != b.head.target ||
                a.head.headers != b.head.headers || a.head.versionMinor != b.head.versionMinor ||
                a.body != b.body || a.complete != b.complete)
                return false;
        }
        return true;
    }
};

class Recorder : public HttpMessageHandler
{
public:
    Recorder(Trace* trace, HttpParser** parser, bool pause)
        : m_trace(trace), m_parser(parser), m_pause(pause)
    {}
    HeadAction onHead(HttpHead& head) override
    {
        Message message;
        message.head = head;
        message.chunked = (*m_parser)->isChunked();
        message.contentLength = (*m_parser)->contentLength();
        // The framing checks passed: never two framings, never a negative length.
        FUZZ_CHECK(!(message.chunked && head.contains("content-length")));
        FUZZ_CHECK(head.count("content-length") <= 1);
        FUZZ_CHECK(head.versionMajor == 1);
        m_trace->messages.append(message);
        return m_pause ? HeadAction::Pause : HeadAction::Continue;
    }
    void onBody(const char* data, qsizetype size) override
    {
        FUZZ_CHECK(!m_trace->messages.isEmpty());
        FUZZ_CHECK(size > 0);
        m_trace->messages.last().body.append(data, size);
        m_trace->messages.last().pieces.append(QByteArray(data, size));
    }
    void onMessageComplete() override
    {
        FUZZ_CHECK(!m_trace->messages.isEmpty());
        Message& message = m_trace->messages.last();
        FUZZ_CHECK(!message.complete);
        message.complete = true;
        // CONNECT has no content (RFC 9110 §9.3.6): what follows its head is
        // tunnel data, whatever Content-Length says.
        if (message.contentLength >= 0 && !message.chunked && message.head.method != "CONNECT")
            FUZZ_CHECK(message.body.size() == message.contentLength);
    }

private:
    Trace* m_trace;
    HttpParser** m_parser;
    bool m_pause;
};

bool knownErrorStatus(int status)
{
    return status == 400 || status == 414 || status == 431 || status == 501 || status == 505;
}

/// Feeds data like HttpProxySession: a piece at a time, re-feeding what a stop
/// after a head or a message left unconsumed.
Trace run(const char* data, qsizetype size, const FuzzSplitter* splitter, bool pause,
          const HttpParser::Limits& limits)
{
    Trace trace;
    HttpParser* parserPointer = nullptr;
    Recorder recorder(&trace, &parserPointer, pause);
    HttpParser parser(HttpParser::Type::Request, &recorder, limits);
    parserPointer = &parser;
    qsizetype position = 0;
    qsizetype pieceEnd = 0;
    size_t pieceIndex = 0;
    qsizetype rounds = 0;
    while (position < size) {
        FUZZ_CHECK(++rounds < 4 * size + 64); // every round makes progress or stops
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
            FUZZ_CHECK(pause);
            FUZZ_CHECK(parser.inMessage());
            parser.resume();
            break;
        case HttpParser::Status::MessageComplete:
            FUZZ_CHECK(!parser.inMessage());
            parser.resume();
            break;
        case HttpParser::Status::Upgrade:
            trace.upgrade = true;
            return trace;
        case HttpParser::Status::Error:
            trace.errorStatus = parser.errorStatus();
            FUZZ_CHECK(knownErrorStatus(trace.errorStatus));
            FUZZ_CHECK(!parser.error().isEmpty());
            return trace;
        }
    }
    return trace;
}

/// What the engine sends upstream for one parsed request, framed canonically.
QByteArray canonical(const Message& message)
{
    HttpHead head = message.head;
    HeaderRewriter::stripHopByHop(head, {});
    if (!head.contains("host"))
        head.headers.prepend({QByteArrayLiteral("Host"), QByteArrayLiteral("fuzz.invalid")});
    if (message.chunked)
        head.headers.append({QByteArrayLiteral("Transfer-Encoding"), QByteArrayLiteral("chunked")});
    QByteArray out = head.serializeRequest(head.target);
    if (message.chunked) {
        for (const QByteArray& piece : message.pieces)
            out += QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n";
        out += "0\r\n\r\n";
    } else {
        out += message.body;
    }
    return out;
}

void checkRoundTrip(const Message& message)
{
    if (!message.complete || message.head.method == "CONNECT")
        return;
    const QByteArray bytes = canonical(message);
    Trace trace;
    HttpParser* parserPointer = nullptr;
    Recorder recorder(&trace, &parserPointer, false);
    // The origin side: no proxy limits, only framing.
    HttpParser parser(HttpParser::Type::Request, &recorder, {1 << 30, 1 << 30, 1 << 20});
    parserPointer = &parser;
    qsizetype consumed = 0;
    const HttpParser::Status status = parser.feed(bytes.constData(), bytes.size(), &consumed);
    FUZZ_CHECK(status == HttpParser::Status::MessageComplete ||
               status == HttpParser::Status::Upgrade);
    FUZZ_CHECK(consumed == bytes.size());
    FUZZ_CHECK(trace.messages.size() == 1);
    FUZZ_CHECK(trace.messages[0].body == message.body);
    FUZZ_CHECK(trace.messages[0].head.method == message.head.method);
    FUZZ_CHECK(trace.messages[0].head.target == message.head.target);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t length)
{
    if (length < 1)
        return 0;
    const FuzzSplitter splitter(bytes[0]);
    const bool pause = (bytes[0] & 0x08) != 0;
    const char* data = reinterpret_cast<const char*>(bytes + 1);
    const qsizetype size = qsizetype(length - 1);
    // Small limits so the fuzzer reaches 414 and 431 with short inputs.
    const HttpParser::Limits limits{2048, 512, 32};

    const Trace whole = run(data, size, nullptr, pause, limits);
    const Trace split = run(data, size, &splitter, pause, limits);
    FUZZ_CHECK(whole == split);
    for (const Message& message : whole.messages)
        checkRoundTrip(message);
    return 0;
}
