#pragma once

#include <QObject>

namespace Switchyard {

class Stream;

/// Copies bytes both ways between two connected streams until both directions
/// have ended. An end of stream on one side becomes a half-close (FIN) on the
/// other, so protocols that close their sending side early keep working. Reading
/// stops while the other side's write queue is over the bound.
class Tunnel : public QObject
{
    Q_OBJECT
public:
    /// Takes ownership of both streams.
    Tunnel(Stream* client, Stream* upstream, qint64 bufferBytes, QObject* parent = nullptr);
    ~Tunnel() override;

    /// Starts relaying; call after any bytes already read have been written.
    void start();
    quint64 bytesUp() const { return m_bytesUp; }
    quint64 bytesDown() const { return m_bytesDown; }
    Stream* client() const { return m_client; }
    Stream* upstream() const { return m_upstream; }

Q_SIGNALS:
    /// Both directions are done, or one side failed (error says how).
    void finished(const QString& error);

private:
    struct Direction
    {
        Stream* from;
        Stream* to;
        quint64* counter;
        bool ended = false;
    };
    void pump(Direction& direction);
    void onFailed(Stream* stream);
    void checkDone();
    void finish(const QString& error);

    Stream* m_client;
    Stream* m_upstream;
    qint64 m_bufferBytes;
    quint64 m_bytesUp = 0;
    quint64 m_bytesDown = 0;
    Direction m_up;
    Direction m_down;
    bool m_finished = false;
};

} // namespace Switchyard
