#pragma once

#include "ClientSession.h"
#include "EngineContext.h"
#include "ExchangeRecord.h"
#include "SocksHandshakeParser.h"

#include <QByteArray>
#include <QTimer>

namespace Switchyard {

class OutboundConnector;
class Stream;
class TcpStream;
class Tunnel;
struct OutboundFailure;

/// A client speaking SOCKS5 (RFC 1928, with RFC 1929 username/password when
/// inbound authentication is on) or SOCKS4/4a. Only CONNECT is supported; every
/// other command and every failure gets its proper reply code before the close.
class SocksSession : public ClientSession
{
    Q_OBJECT
public:
    /// Takes ownership of client.
    SocksSession(EngineContext* context, TcpStream* client, QObject* parent = nullptr);
    ~SocksSession() override;

    void start() override;

private:
    enum class State { Handshake, Connecting, Tunnel, Closing, Closed };

    void onReadyRead();
    /// Acts on every complete handshake message buffered; false once the handshake is over.
    bool parseHandshake();
    bool onGreeting();
    bool onCredentials();
    void onRequest();
    void onParseError();
    void dispatch(const QString& host, quint16 port);
    void onConnected(Stream* stream, const QByteArray& initialData, qint64 elapsedUs);
    void onConnectFailed(const OutboundFailure& failure);
    void reply(quint8 code);
    void refuse(quint8 code, const QString& reason);
    void closeAfterWrites();
    void closeNow();
    void onTimeout();

    EngineContext* m_context;
    TcpStream* m_client;
    ExchangeRecord m_record;
    QString m_clientAddress;
    State m_state = State::Handshake;
    bool m_remoteClient = false;
    SocksHandshakeParser m_parser;
    OutboundConnector* m_connector = nullptr;
    Tunnel* m_tunnel = nullptr;
    RouteChoice m_route;
    QTimer m_timer;
};

} // namespace Switchyard
