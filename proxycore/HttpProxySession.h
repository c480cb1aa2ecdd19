#pragma once

#include "ClientSession.h"
#include "CoarseTimer.h"
#include "EngineContext.h"
#include "ExchangeRecord.h"
#include "HttpParser.h"
#include "HttpTarget.h"
#include "LogEvent.h"

#include <QElapsedTimer>
#include <QObject>

namespace Switchyard {

class HttpForwarder;
class OutboundConnector;
struct OutboundFailure;
class Stream;
class TcpStream;
class Tunnel;

/// One client connection speaking HTTP to the proxy: reads requests (keep-alive
/// and pipelined, one at a time), answers those meant for the proxy itself, opens
/// CONNECT tunnels, and hands plain requests to an HttpForwarder. Enforces the
/// head size, head deadline and idle limits, and logs every exchange.
class HttpProxySession : public ClientSession, private HttpMessageHandler
{
    Q_OBJECT
public:
    /// Takes ownership of client.
    HttpProxySession(EngineContext* context, TcpStream* client, QObject* parent = nullptr);
    ~HttpProxySession() override;

    void start() override;

private:
    enum class State {
        Idle,
        ReadingHead,
        Dispatching,
        StreamingBody,
        AwaitingResponse,
        Tunnel,
        Closing
    };

    HeadAction onHead(HttpHead& head) override;
    void onBody(const char* data, qsizetype size) override;
    void onMessageComplete() override;

    bool wantsInput() const;
    void onClientReadyRead();
    void onClientEnded();
    void onClientDrained();
    void onClientFailed();
    void onTimer();
    void requestComplete();
    void process(const char* data, qsizetype size);
    void processLeftover();
    void handleHead();
    void beginEvent(LogProtocol protocol);
    void respondLocally(const QByteArray& response, int status, bool close,
                        const QString& error = {});
    void rejectRequest(int status, QByteArrayView proxyStatus, const QString& reason);
    void startConnect();
    void onConnectDialed(Stream* stream, const QByteArray& initialData, qint64 elapsedUs);
    void onConnectFailed(const OutboundFailure& failure);
    bool rejectIfBlocked();
    bool authenticate();
    void startForward();
    void onForwardFinished(bool keepAlive);
    void onUpgraded(Stream* origin, const QByteArray& originData);
    void startTunnel(Stream* upstream, const QByteArray& toClient);
    void onTunnelFinished(const QString& error);
    void nextRequest();
    void closeAfterWrites();
    void closeNow();
    void updateReading();

    EngineContext* m_context;
    TcpStream* m_client;
    HttpParser m_parser;
    State m_state = State::Idle;
    HttpHead m_head;
    HttpTarget m_target;
    ExchangeRecord m_record;
    QByteArray m_leftover; ///< unparsed client bytes held while an exchange runs
    bool m_discardBody = false;
    QByteArray m_localResponse; ///< sent once a local request's body has been read
    bool m_messageComplete = false;
    bool m_upgradeRequest = false;
    bool m_keepAlive = true;
    HttpForwarder* m_forwarder = nullptr;
    HttpForwarder* m_spentForwarder = nullptr; ///< finished, reused by the next request
    OutboundConnector* m_dialer = nullptr;
    RouteChoice m_route;
    Tunnel* m_tunnel = nullptr;
    /// Head deadline or idle timeout, depending on the state; moved on with every
    /// request without re-arming a timer each time.
    CoarseTimer m_timer;
    QString m_clientAddress;
    bool m_processing = false;
    bool m_remoteClient = false; ///< the client is not on this machine's loopback
    bool m_lingering = false;
    bool m_closed = false;
};

} // namespace Switchyard
