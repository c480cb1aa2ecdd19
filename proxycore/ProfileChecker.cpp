#include "ProfileChecker.h"

#include "OutboundConnector.h"
#include "Resolver.h"
#include "Stream.h"

namespace Switchyard {

ProfileChecker::ProfileChecker(const UpstreamProfile& profile, const QUrl& url, int timeoutMs,
                               QObject* parent)
    : QObject(parent), m_profile(profile), m_url(url), m_resolver(new Resolver(this)),
      m_parser(HttpParser::Type::Response, this, HttpParser::Limits{256 * 1024, 256 * 1024, 256}),
      m_timer(this)
{
    m_context.resolver = m_resolver;
    m_context.settings.limits.connectTimeoutMs = timeoutMs;
    m_timer.setSingleShot(true);
    m_timer.setInterval(timeoutMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        finish(false, QStringLiteral("no answer from %1 through exit \"%2\" within %3 s")
                          .arg(m_url.toString(QUrl::RemoveUserInfo), m_profile.name)
                          .arg(m_timer.interval() / 1000));
    });
}

ProfileChecker::~ProfileChecker()
{
    delete m_stream;
}

void ProfileChecker::start()
{
    m_clock.start();
    m_timer.start();
    const QString scheme = m_url.scheme().toLower();
    if ((scheme != u"http" && scheme != u"https") || m_url.host().isEmpty()) {
        finish(false, QStringLiteral("the check URL must be an http:// or https:// URL"));
        return;
    }
    const bool httpExit = m_profile.type == UpstreamProfile::Type::Http ||
                          m_profile.type == UpstreamProfile::Type::Https;
    const auto mode = scheme == u"http" && httpExit ? OutboundConnector::Mode::ProxyConnection
                                                    : OutboundConnector::Mode::Tunnel;
    const quint16 port = quint16(m_url.port(scheme == u"https" ? 443 : 80));
    m_connector = new OutboundConnector(&m_context, &m_profile, m_url.host(), port, mode, this);
    connect(m_connector, &OutboundConnector::succeeded, this, &ProfileChecker::onConnected);
    connect(m_connector, &OutboundConnector::failed, this, &ProfileChecker::onConnectFailed);
    m_connector->start();
}

void ProfileChecker::onConnectFailed(const OutboundFailure& failure)
{
    finish(false, failure.message);
}

void ProfileChecker::onConnected(Stream* stream, const QByteArray& initialData, qint64 elapsedUs)
{
    Q_UNUSED(initialData);
    Q_UNUSED(elapsedUs);
    m_stream = stream;
    if (m_url.scheme().toLower() == u"https") {
        m_result.httpStatus = 200; // the exit opened the tunnel (CONNECT 200)
        m_result.latencyMs = m_clock.elapsed();
        finish(true, {});
        return;
    }
    const bool httpExit = m_profile.type == UpstreamProfile::Type::Http ||
                          m_profile.type == UpstreamProfile::Type::Https;
    QByteArray path = m_url.path(QUrl::FullyEncoded).toUtf8();
    if (path.isEmpty())
        path = "/";
    if (m_url.hasQuery())
        path += '?' + m_url.query(QUrl::FullyEncoded).toUtf8();
    const QByteArray host = m_url.authority(QUrl::RemoveUserInfo | QUrl::FullyEncoded).toUtf8();
    QByteArray request =
        "GET " + (httpExit ? "http://" + host + path : path) + " HTTP/1.1\r\nHost: " + host +
        "\r\nUser-Agent: Switchyard/" SWITCHYARD_VERSION " profile check\r\nConnection: close\r\n";
    if (httpExit && (!m_profile.username.isEmpty() || !m_profile.password.isEmpty()))
        request += "Proxy-Authorization: Basic " +
                   (m_profile.username + u':' + m_profile.password).toUtf8().toBase64() + "\r\n";
    request += "\r\n";
    connect(m_stream, &Stream::readyRead, this, &ProfileChecker::onReadyRead);
    connect(m_stream, &Stream::failed, this, [this] {
        finish(false, QStringLiteral("the connection through exit \"%1\" broke: %2")
                          .arg(m_profile.name, m_stream->errorString()));
    });
    m_stream->setReadEnabled(true);
    m_stream->write(request);
}

void ProfileChecker::onReadyRead()
{
    char buffer[16 * 1024];
    while (!m_done) {
        const qint64 n = m_stream->read(buffer, sizeof buffer);
        if (n == 0)
            return;
        if (n < 0) {
            finish(false, QStringLiteral("exit \"%1\" closed the connection without an answer")
                              .arg(m_profile.name));
            return;
        }
        if (m_result.latencyMs < 0)
            m_result.latencyMs = m_clock.elapsed();
        qsizetype consumed = 0;
        const HttpParser::Status status = m_parser.feed(buffer, n, &consumed);
        if (status == HttpParser::Status::Error) {
            finish(false, QStringLiteral("invalid response through exit \"%1\": %2")
                              .arg(m_profile.name, m_parser.error()));
            return;
        }
        if (status == HttpParser::Status::Paused) {
            if (m_result.httpStatus == 407) {
                finish(false,
                       QStringLiteral(
                           "exit \"%1\" rejected the credentials: authentication failed (407)")
                           .arg(m_profile.name));
                return;
            }
            finish(true, {});
            return;
        }
        if (status == HttpParser::Status::MessageComplete)
            m_parser.resume(); // 1xx
    }
}

HttpMessageHandler::HeadAction ProfileChecker::onHead(HttpHead& head)
{
    if (head.status >= 100 && head.status < 200)
        return HeadAction::Continue;
    m_result.httpStatus = head.status;
    return HeadAction::Pause; // the status is all a check needs
}

void ProfileChecker::finish(bool ok, const QString& error)
{
    if (m_done)
        return;
    m_done = true;
    m_timer.stop();
    m_result.ok = ok;
    m_result.error = error;
    if (m_stream)
        m_stream->close();
    Q_EMIT finished(m_result);
}

} // namespace Switchyard
