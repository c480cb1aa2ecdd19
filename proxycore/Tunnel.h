#pragma once

#include "SplicePipe.h"

#include <QObject>
#include <memory>

namespace Switchyard {

class Stream;
class TcpStream;

/// Copies bytes both ways between two connected streams until both directions
/// have ended. An end of stream on one side becomes a half-close (FIN) on the
/// other, so protocols that close their sending side early keep working. Reading
/// stops while the other side's write queue is over the bound. Between two plain
/// TCP sockets on Linux, a direction that carries bulk data switches to splice(2)
/// through a pipe, so its bytes never pass through user space.
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
        TcpStream* spliceFrom = nullptr; ///< set when both ends are plain TCP
        TcpStream* spliceTo = nullptr;
        std::unique_ptr<SplicePipe> pipe{}; ///< while splicing; empty pipes go back to the pool
        /// from is a plain socket: a short read means its queue is empty now.
        bool shortReadDrains = false;
        bool splicing = false;
        bool ended = false;
    };
    void pump(Direction& direction);
    void pumpSpliced(Direction& direction);
    /// Sends what waits in the direction's pipe. False when the caller must
    /// stop: the receiver is full (reading pauses until it drains) or failed.
    bool flushPipe(Direction& direction);
    void endDirection(Direction& direction);
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
