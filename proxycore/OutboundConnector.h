#pragma once

#include "HttpParser.h"
#include "OutboundFailure.h"
#include "UpstreamProfile.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace Switchyard {

class Dialer;
class Stream;
struct EngineContext;

/// Opens a connection to host:port directly or through an exit, doing the exit's
/// handshake (HTTP CONNECT with Basic credentials, SOCKS5 with RFC 1929, SOCKS4a;
/// TLS first for HTTPS exits). When the exit resolves names, this never looks the
/// destination up locally. A failure never falls back to a direct connection.
class OutboundConnector : public QObject, private HttpMessageHandler
{
    Q_OBJECT
public:
    enum class Mode {
        Tunnel,          ///< a byte stream to host:port
        ProxyConnection, ///< HTTP(S) exits only: a connection to the exit itself, for
                         ///< absolute-form requests
    };

    /// profile: the exit, or nullptr for a direct connection.
    OutboundConnector(EngineContext* context, const UpstreamProfile* profile, const QString& host,
                      quint16 port, Mode mode, QObject* parent = nullptr);
    ~OutboundConnector() override;

    /// For clients on other machines: a destination that resolves to a loopback
    /// or link-local address is refused (names an exit resolves are the exit's).
    void setRefuseLocalDestinations(bool refuse) { m_refuseLocal = refuse; }
    void start();

Q_SIGNALS:
    /// The caller owns stream (no parent). initialData: bytes the exit sent past
    /// its handshake, which belong to the tunnel.
    void succeeded(Switchyard::Stream* stream, const QByteArray& initialData, qint64 elapsedUs);
    void failed(const Switchyard::OutboundFailure& failure);

private:
    enum class Step {
        Dialing,
        Tls,
        HttpConnect,
        Socks5Method,
        Socks5Auth,
        Socks5Reply,
        Socks4Reply,
        Done
    };

    HeadAction onHead(HttpHead& head) override;
    void onBody(const char*, qsizetype) override {}
    void onMessageComplete() override {}

    void onDialed(Stream* stream, qint64 elapsedUs);
    void onDialFailed(const OutboundFailure& failure);
    void afterTransport();
    void onReadyRead();
    void onStreamFailed();
    void onTimeout();
    void handleHttpConnect();
    void handleSocks5();
    void handleSocks4();
    void sendSocks5Request();
    void sendSocks5RequestTo(const QByteArray& addressBytes, quint8 addressType);
    void succeed(const QByteArray& initialData);
    void fail(OutboundFailure::Kind kind, const QString& message, quint8 exitReply = 0,
              int exitStatus = 0);
    QString exitLabel() const;
    QString destination() const;

    EngineContext* m_context;
    bool m_direct;
    UpstreamProfile m_profile;
    QString m_host;
    quint16 m_port;
    Mode m_mode;
    Step m_step = Step::Dialing;
    Dialer* m_dialer = nullptr;
    Stream* m_stream = nullptr;
    QByteArray m_buffer;
    HttpParser m_responseParser;
    int m_connectStatus = 0;
    QTimer m_timer;
    QElapsedTimer m_clock;
    bool m_finished = false;
    bool m_refuseLocal = false;
};

} // namespace Switchyard
