#pragma once

#include <QObject>
#include <QTimer>

namespace Switchyard {

class ClientSession;
class TcpStream;
struct EngineContext;

/// Waits for a new client's first byte and hands the connection to the session
/// for its protocol: 0x05 SOCKS5, 0x04 SOCKS4/4a, anything else HTTP. The byte
/// is only peeked, so the session reads the stream from its start.
class ProtocolSniffer : public QObject
{
    Q_OBJECT
public:
    /// Takes ownership of client.
    ProtocolSniffer(EngineContext* context, TcpStream* client, QObject* parent = nullptr);

    void start();

Q_SIGNALS:
    /// The session (parentless, not started) that now owns the client.
    void identified(Switchyard::ClientSession* session);
    /// The client closed or stayed silent; the stream is gone.
    void abandoned();

private:
    void onReadyRead();
    void giveUp();

    EngineContext* m_context;
    TcpStream* m_client;
    QTimer m_timer;
    bool m_done = false;
};

} // namespace Switchyard
