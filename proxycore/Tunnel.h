#pragma once

#include <QObject>

namespace Switchyard {

class TcpStream;

/// Copies bytes both ways between two connected streams until both directions
/// have ended. An end of stream on one side becomes a half-close (FIN) on the
/// other, so protocols that close their sending side early keep working. Reading
/// stops while the other side's write queue is over the bound.
class Tunnel : public QObject
{
    Q_OBJECT
public:
    /// Takes ownership of both streams.
    Tunnel(TcpStream* client, TcpStream* upstream, qint64 bufferBytes, QObject* parent = nullptr);
    ~Tunnel() override;

    /// Starts relaying; call after any bytes already read have been written.
    void start();
    quint64 bytesUp() const { return m_bytesUp; }
    quint64 bytesDown() const { return m_bytesDown; }
    TcpStream* client() const { return m_client; }
    TcpStream* upstream() const { return m_upstream; }

Q_SIGNALS:
    /// Both directions are done, or one side failed (error says how).
    void finished(const QString& error);

private:
    struct Direction
    {
        TcpStream* from;
        TcpStream* to;
        quint64* counter;
        bool ended = false;
    };
    void pump(Direction& direction);
    void onFailed(TcpStream* stream);
    void checkDone();
    void finish(const QString& error);

    TcpStream* m_client;
    TcpStream* m_upstream;
    qint64 m_bufferBytes;
    quint64 m_bytesUp = 0;
    quint64 m_bytesDown = 0;
    Direction m_up;
    Direction m_down;
    bool m_finished = false;
};

} // namespace Switchyard
