#pragma once

#include "HttpHead.h"

#include <QByteArray>
#include <memory>

struct llhttp__internal_s;

namespace Switchyard {

/// Receives what HttpParser finds, in order, while HttpParser::feed runs.
class HttpMessageHandler
{
public:
    /// What to do after a head.
    enum class HeadAction {
        Continue, ///< parse the body (if any) now
        Pause,    ///< stop right after the head; feed() returns Paused
        SkipBody, ///< responses to HEAD: the message has no body whatever it says
        Tunnel,   ///< a 2xx answer to CONNECT: no body, the rest is tunnel data
    };

    virtual ~HttpMessageHandler() = default;
    virtual HeadAction onHead(HttpHead& head) = 0;
    virtual void onBody(const char* data, qsizetype size) = 0;
    virtual void onMessageComplete() = 0;
};

/// Strict HTTP/1.1 parsing with llhttp, plus the framing checks of RFC 9112 that
/// llhttp leaves to its user and the size limits a proxy needs. It stops after
/// each complete message so that pipelined messages wait until the caller is ready.
class HttpParser
{
public:
    enum class Type { Request, Response };
    enum class Status {
        NeedMore,        ///< all input consumed, message not complete
        Paused,          ///< stopped after a head (HeadAction::Pause)
        MessageComplete, ///< stopped right after a message; call resume() for the next
        Upgrade,         ///< message complete and the connection changes protocol
        Error,           ///< see error(), errorStatus()
    };
    struct Limits
    {
        int maxHeadBytes = 64 * 1024;
        int maxUriBytes = 8 * 1024;
        int maxHeaderFields = 100;
    };

    HttpParser(Type type, HttpMessageHandler* handler, const Limits& limits);
    ~HttpParser();
    HttpParser(const HttpParser&) = delete;
    HttpParser& operator=(const HttpParser&) = delete;

    /// Parses from data; *consumed says how far it got (everything unless it stopped).
    Status feed(const char* data, qsizetype size, qsizetype* consumed);
    /// The peer closed: completes a read-until-close body or reports a truncated message.
    Status finish();
    /// Continue after Paused or MessageComplete.
    void resume();
    /// Back to a fresh state, for a new message after an error-free upgrade refusal.
    void reset();

    /// True between the first byte of a message and its head's end.
    bool inHead() const { return m_inHead; }
    /// True while a message has started and not completed.
    bool inMessage() const { return m_inMessage; }
    bool shouldKeepAlive() const;
    /// The body ends when the connection does (responses without length).
    bool bodyUntilClose() const;
    bool isChunked() const;
    /// The request asks to switch protocols (Upgrade with Connection: upgrade, or CONNECT).
    bool isUpgrade() const;
    /// Content-Length of the current message, -1 if none.
    qint64 contentLength() const { return m_contentLength; }

    /// Readable reason of the last Error.
    QString error() const { return m_error; }
    /// The status a proxy answers this error with (400, 414, 431, 501).
    int errorStatus() const { return m_errorStatus; }

private:
    friend struct HttpParserCallbacks;
    int headComplete();
    int fail(int status, const QString& reason);
    bool validateFraming(const HttpHead& head);
    int addHeadBytes(qsizetype size);
    void recycleFields();
    QByteArray takeBuffer(const char* at, qsizetype length);

    std::unique_ptr<llhttp__internal_s> m_parser;
    Type m_type;
    HttpMessageHandler* m_handler;
    Limits m_limits;
    HttpHead m_head;
    QByteArray m_field;
    QByteArray m_value;
    /// Name and value buffers of the last head, reused in order by the next one.
    QList<QByteArray> m_spare;
    qsizetype m_spareNext = 0;
    bool m_lastWasValue = false;
    bool m_inHead = false;
    bool m_inMessage = false;
    qint64 m_headBytes = 0;
    qint64 m_contentLength = -1;
    QString m_error;
    bool m_userError = false;
    const char* m_feedBase = nullptr; ///< start of the buffer being fed
    qint64 m_streamOffset = 0;        ///< stream offset of m_feedBase
    qint64 m_valueEnd = 0;
    qint64 m_chunkExtensionBytes = 0; ///< stream offset just past the last value span
    int m_errorStatus = 400;
};

} // namespace Switchyard
