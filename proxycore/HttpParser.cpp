#include "HttpParser.h"

#include <cstring>
#include <llhttp.h>

namespace Switchyard {

namespace {

HttpParser* owner(llhttp_t* parser)
{
    return static_cast<HttpParser*>(parser->data);
}

constexpr qint64 kMaxChunkExtensionBytes = 256;
// Room reserved for header fields at the start of a head (grown beyond if needed).
constexpr qsizetype kUsualHeaderFields = 16;
// Field buffers kept from the last head for the next one: how many, how large.
constexpr qsizetype kMaxSpareBuffers = 64;
constexpr qsizetype kMaxSpareBytes = 256;

bool isAllDigits(QByteArrayView value)
{
    if (value.isEmpty())
        return false;
    for (char c : value) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

} // namespace

// Static trampolines from llhttp's C callbacks into the parser object.
struct HttpParserCallbacks
{
    static int messageBegin(llhttp_t* p)
    {
        HttpParser* self = owner(p);
        // Field by field rather than "= HttpHead()": the header list keeps its
        // storage when the last head was left here (responses), and a list
        // handed over (requests) is replaced by one with room for a usual head,
        // instead of growing through several reallocations.
        HttpHead& head = self->m_head;
        self->recycleFields();
        head.method = QByteArray();
        head.target.clear();
        head.status = 0;
        head.reason.clear();
        head.versionMajor = 1;
        head.versionMinor = 1;
        head.headers.clear();
        head.headers.reserve(kUsualHeaderFields);
        self->m_field.clear();
        self->m_value.clear();
        self->m_inHead = true;
        self->m_inMessage = true;
        self->m_headBytes = 0;
        self->m_contentLength = -1;
        return 0;
    }
    static int url(llhttp_t* p, const char* at, size_t length)
    {
        HttpParser* self = owner(p);
        // One exact allocation for a target that comes in one span (nearly always).
        if (self->m_head.target.isEmpty() && length > 0)
            self->m_head.target = QByteArray(at, qsizetype(length));
        else
            self->m_head.target.append(at, qsizetype(length));
        if (self->m_head.target.size() > self->m_limits.maxUriBytes)
            return self->fail(414, QStringLiteral("request target longer than %1 bytes")
                                       .arg(self->m_limits.maxUriBytes));
        return self->addHeadBytes(qsizetype(length));
    }
    static int status(llhttp_t* p, const char* at, size_t length)
    {
        HttpParser* self = owner(p);
        // Nearly every response says "OK": a literal then, no allocation.
        const QByteArrayView span(at, qsizetype(length));
        if (self->m_head.reason.isEmpty() && length > 0)
            self->m_head.reason = span == "OK" ? QByteArrayLiteral("OK") : span.toByteArray();
        else
            self->m_head.reason.append(span);
        return self->addHeadBytes(qsizetype(length));
    }
    static int headerField(llhttp_t* p, const char* at, size_t length)
    {
        HttpParser* self = owner(p);
        // A name nearly always comes in one span: one exact allocation for it.
        if (self->m_field.isEmpty())
            self->m_field = self->takeBuffer(at, qsizetype(length));
        else
            self->m_field.append(at, qsizetype(length));
        return self->addHeadBytes(qsizetype(length));
    }
    static int headerValue(llhttp_t* p, const char* at, size_t length)
    {
        HttpParser* self = owner(p);
        // llhttp hands an obs-fold continuation over as one more span of the same
        // value; a gap in the stream between two spans gives it away.
        const qint64 start = self->m_streamOffset + (at - self->m_feedBase);
        if (!self->m_value.isEmpty() && start != self->m_valueEnd)
            return self->fail(400, QStringLiteral("folded header line (obs-fold)"));
        self->m_valueEnd = start + qint64(length);
        if (self->m_value.isEmpty())
            self->m_value = self->takeBuffer(at, qsizetype(length));
        else
            self->m_value.append(at, qsizetype(length));
        return self->addHeadBytes(qsizetype(length));
    }
    static int headerValueComplete(llhttp_t* p)
    {
        HttpParser* self = owner(p);
        if (self->m_head.headers.size() >= self->m_limits.maxHeaderFields)
            return self->fail(
                431,
                QStringLiteral("more than %1 header fields").arg(self->m_limits.maxHeaderFields));
        if (self->m_field.isEmpty())
            return self->fail(400, QStringLiteral("empty header field name"));
        // Moved, not copied: the next field starts from empty buffers anyway.
        self->m_head.headers.emplaceBack(std::move(self->m_field),
                                         std::move(self->m_value).trimmed());
        self->m_field.clear();
        self->m_value.clear();
        return self->addHeadBytes(4);
    }
    static int headersComplete(llhttp_t* p) { return owner(p)->headComplete(); }
    static int chunkHeader(llhttp_t* p)
    {
        owner(p)->m_chunkExtensionBytes = 0;
        return 0;
    }
    static int chunkExtension(llhttp_t* p, const char*, size_t length)
    {
        // Extensions are legal but unused: a small cap stops a body made of them.
        HttpParser* self = owner(p);
        self->m_chunkExtensionBytes += qint64(length);
        if (self->m_chunkExtensionBytes > kMaxChunkExtensionBytes)
            return self->fail(400, QStringLiteral("chunk extensions longer than %1 bytes")
                                       .arg(kMaxChunkExtensionBytes));
        return 0;
    }
    static int body(llhttp_t* p, const char* at, size_t length)
    {
        owner(p)->m_handler->onBody(at, qsizetype(length));
        return 0;
    }
    static int messageComplete(llhttp_t* p)
    {
        HttpParser* self = owner(p);
        self->m_inMessage = false;
        self->m_handler->onMessageComplete();
        // An upgrade makes llhttp stop with HPE_PAUSED_UPGRADE by itself.
        return p->upgrade ? 0 : HPE_PAUSED;
    }

    static const llhttp_settings_t& settings()
    {
        static const llhttp_settings_t s = [] {
            llhttp_settings_t init;
            llhttp_settings_init(&init);
            init.on_message_begin = &messageBegin;
            init.on_url = &url;
            init.on_status = &status;
            init.on_header_field = &headerField;
            init.on_header_value = &headerValue;
            init.on_header_value_complete = &headerValueComplete;
            init.on_headers_complete = &headersComplete;
            init.on_body = &body;
            init.on_chunk_header = &chunkHeader;
            init.on_chunk_extension_name = &chunkExtension;
            init.on_chunk_extension_value = &chunkExtension;
            init.on_message_complete = &messageComplete;
            return init;
        }();
        return s;
    }
};

HttpParser::HttpParser(Type type, HttpMessageHandler* handler, const Limits& limits)
    : m_parser(std::make_unique<llhttp_t>()), m_type(type), m_handler(handler), m_limits(limits)
{
    reset();
}

HttpParser::~HttpParser() = default;

void HttpParser::reset()
{
    llhttp_init(m_parser.get(), m_type == Type::Request ? HTTP_REQUEST : HTTP_RESPONSE,
                &HttpParserCallbacks::settings());
    m_parser->data = this;
    m_inHead = false;
    m_inMessage = false;
    m_userError = false;
}

void HttpParser::recycleFields()
{
    // A head left here (a response, once its handler is done with it) and not
    // shared with anyone holds one buffer per name and value. The next message
    // from the same peer mostly has the same fields of the same sizes, so the
    // buffers are reused in order rather than freed and allocated again.
    m_spare.clear();
    m_spareNext = 0;
    HeaderList& headers = m_head.headers;
    if (headers.isEmpty() || !headers.isDetached())
        return;
    const auto keep = [this](QByteArray& buffer) {
        if (m_spare.size() < kMaxSpareBuffers && buffer.isDetached() &&
            buffer.capacity() <= kMaxSpareBytes)
            m_spare.append(std::move(buffer));
    };
    for (HeaderField& field : headers) {
        keep(field.first);
        keep(field.second);
    }
}

QByteArray HttpParser::takeBuffer(const char* at, qsizetype length)
{
    if (m_spareNext < m_spare.size()) {
        QByteArray buffer = std::move(m_spare[m_spareNext++]);
        if (buffer.capacity() >= length) {
            buffer.resize(length);
            std::memcpy(buffer.data(), at, size_t(length));
            return buffer;
        }
    }
    return QByteArray(at, length);
}

int HttpParser::fail(int status, const QString& reason)
{
    m_errorStatus = status;
    m_error = reason;
    m_userError = true;
    return HPE_USER;
}

int HttpParser::addHeadBytes(qsizetype size)
{
    m_headBytes += size;
    if (m_inHead && m_headBytes > m_limits.maxHeadBytes)
        return fail(431,
                    QStringLiteral("request head larger than %1 bytes").arg(m_limits.maxHeadBytes));
    return 0;
}

bool HttpParser::validateFraming(const HttpHead& head)
{
    // One walk over the fields instead of one per name looked for.
    int contentLengths = 0;
    int hosts = 0;
    bool transferEncoding = false;
    QByteArrayView firstContentLength;
    for (const HeaderField& field : head.headers) {
        const QByteArray& name = field.first;
        if (equalsIgnoreCase(name, "content-length")) {
            if (contentLengths++ == 0)
                firstContentLength = field.second;
        } else if (equalsIgnoreCase(name, "host")) {
            ++hosts;
        } else if (equalsIgnoreCase(name, "transfer-encoding")) {
            transferEncoding = true;
        }
    }
    if (contentLengths > 1) {
        fail(400, QStringLiteral("more than one Content-Length"));
        return false;
    }
    if (contentLengths == 1) {
        const QByteArrayView value = firstContentLength;
        if (!isAllDigits(value) || value.size() > 18) {
            fail(400, QStringLiteral("invalid Content-Length"));
            return false;
        }
        m_contentLength = value.toLongLong();
    }
    if (transferEncoding) {
        if (contentLengths > 0) {
            fail(400, QStringLiteral("both Content-Length and Transfer-Encoding"));
            return false;
        }
        QByteArray joined;
        for (const HeaderField& field : head.headers) {
            if (equalsIgnoreCase(field.first, "transfer-encoding"))
                joined += (joined.isEmpty() ? "" : ",") + field.second;
        }
        const QList<QByteArrayView> codings = splitTokens(joined);
        for (qsizetype i = 0; i < codings.size(); ++i) {
            const bool last = i == codings.size() - 1;
            if (codings[i].isEmpty() || (equalsIgnoreCase(codings[i], "chunked") && !last)) {
                fail(400, QStringLiteral("invalid Transfer-Encoding"));
                return false;
            }
        }
        if (!equalsIgnoreCase(codings.constLast(), "chunked")) {
            fail(400, QStringLiteral("Transfer-Encoding does not end in chunked"));
            return false;
        }
        if (codings.size() > 1) {
            fail(501, QStringLiteral("unsupported transfer coding"));
            return false;
        }
    }
    if (m_type == Type::Request) {
        if (hosts > 1 || (hosts == 0 && head.versionMinor >= 1)) {
            fail(400, hosts > 1 ? QStringLiteral("more than one Host header")
                                : QStringLiteral("missing Host header"));
            return false;
        }
    }
    return true;
}

int HttpParser::headComplete()
{
    llhttp_t* p = m_parser.get();
    m_inHead = false;
    m_head.versionMajor = p->http_major;
    m_head.versionMinor = p->http_minor;
    if (m_type == Type::Request) {
        // llhttp's method names are string literals: no copy needed.
        const char* name = llhttp_method_name(llhttp_method_t(p->method));
        m_head.method = QByteArray::fromRawData(name, qsizetype(std::strlen(name)));
    } else {
        m_head.status = p->status_code;
    }
    if (m_head.versionMajor != 1) {
        return fail(m_type == Type::Request ? 505 : 502,
                    QStringLiteral("unsupported HTTP version"));
    }
    // llhttp takes a status of fewer than three digits ("HTTP/1.1 2 OK"); RFC 9112
    // wants exactly three, and a proxy must not pass on one it cannot classify.
    if (m_type == Type::Response && (m_head.status < 100 || m_head.status > 999))
        return fail(502, QStringLiteral("invalid status code %1").arg(m_head.status));
    if (!validateFraming(m_head))
        return HPE_USER;
    // RFC 9112 §6.3: 1xx, 204 and 304 responses end with their head whatever
    // Content-Length or Transfer-Encoding say; llhttp would read a body for them,
    // which the client would then take for the start of the next response.
    const int status = m_head.status;
    const bool bodiless =
        m_type == Type::Response &&
        ((status >= 100 && status < 200 && status != 101) || status == 204 || status == 304);
    switch (m_handler->onHead(m_head)) {
    case HttpMessageHandler::HeadAction::Continue:
        return bodiless ? 1 : 0;
    case HttpMessageHandler::HeadAction::Pause:
        return HPE_PAUSED;
    case HttpMessageHandler::HeadAction::SkipBody:
        return 1;
    case HttpMessageHandler::HeadAction::Tunnel:
        return 2;
    }
    return 0;
}

HttpParser::Status HttpParser::feed(const char* data, qsizetype size, qsizetype* consumed)
{
    m_feedBase = data;
    const llhttp_errno_t err = llhttp_execute(m_parser.get(), data, size_t(size));
    if (err == HPE_OK) {
        *consumed = size;
        m_streamOffset += size;
        return Status::NeedMore;
    }
    const char* stop = llhttp_get_error_pos(m_parser.get());
    *consumed = stop ? qsizetype(stop - data) : size;
    m_streamOffset += *consumed;
    switch (err) {
    case HPE_PAUSED:
        return m_inMessage ? Status::Paused : Status::MessageComplete;
    case HPE_PAUSED_UPGRADE:
        return Status::Upgrade;
    default:
        if (m_userError)
            return Status::Error; // our own check failed; m_error says which
        m_errorStatus = m_type == Type::Request ? 400 : 502;
        m_error = QString::fromLatin1(llhttp_get_error_reason(m_parser.get()));
        return Status::Error;
    }
}

HttpParser::Status HttpParser::finish()
{
    const llhttp_errno_t err = llhttp_finish(m_parser.get());
    if (err == HPE_OK || err == HPE_PAUSED)
        return m_inMessage ? Status::Error : Status::MessageComplete;
    m_errorStatus = m_type == Type::Request ? 400 : 502;
    m_error = QString::fromLatin1(llhttp_get_error_reason(m_parser.get()));
    return Status::Error;
}

void HttpParser::resume()
{
    if (llhttp_get_errno(m_parser.get()) == HPE_PAUSED_UPGRADE)
        llhttp_resume_after_upgrade(m_parser.get());
    else
        llhttp_resume(m_parser.get());
}

bool HttpParser::shouldKeepAlive() const
{
    return llhttp_should_keep_alive(m_parser.get()) != 0;
}

bool HttpParser::bodyUntilClose() const
{
    return llhttp_message_needs_eof(m_parser.get()) != 0;
}

bool HttpParser::isUpgrade() const
{
    return m_parser->upgrade != 0;
}

bool HttpParser::isChunked() const
{
    return (m_parser->flags & F_CHUNKED) != 0;
}

} // namespace Switchyard
