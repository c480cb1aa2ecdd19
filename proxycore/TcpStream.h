#pragma once

#include "ByteQueue.h"

#include <QHostAddress>
#include <QObject>

class QSocketNotifier;

namespace Switchyard {

/// A non-blocking TCP socket driven by the engine thread's event loop. Unlike
/// QTcpSocket it keeps no read buffer (unread bytes stay in the kernel, which is
/// the back-pressure), supports half-close in both directions, and writes straight
/// to the kernel, queueing only what the kernel does not take.
class TcpStream : public QObject
{
    Q_OBJECT
public:
    /// Takes ownership of a connected socket (from accept()).
    explicit TcpStream(int fd, QObject* parent = nullptr);
    ~TcpStream() override;

    /// Starts a non-blocking connect; returns nullptr with *error (errno) when it
    /// fails at once. connected() or failed() follows.
    static TcpStream* connectTo(const QHostAddress& address, quint16 port, QObject* parent,
                                int* error);

    /// Reads what the kernel has: >0 bytes read, 0 nothing now, -1 end of stream
    /// or error (see atEnd() / errorCode()).
    qint64 read(char* data, qint64 maxSize);
    /// Sends at once what the kernel takes and queues the rest. Returns false if
    /// the socket is already broken.
    bool write(QByteArrayView data);
    qint64 pendingBytes() const { return m_out.size(); }
    /// While corked, small writes are only queued; uncork() sends them in one
    /// system call, so a head and a short body leave in one segment.
    void cork() { m_corked = true; }
    void uncork();

    /// Read notifications on or off: off leaves data in the kernel (back-pressure).
    void setReadEnabled(bool enabled);
    /// Sends FIN after the queued bytes; reading goes on.
    void shutdownWrite();
    /// Closes the socket at once; queued bytes are dropped.
    void close();

    bool isConnected() const { return m_state == State::Connected; }
    bool atEnd() const { return m_readEof; }
    bool writeShutdown() const { return m_shutdownRequested; }
    int errorCode() const { return m_error; }
    QString errorString() const;
    int descriptor() const { return m_fd; }
    QHostAddress peerAddress() const;
    quint16 peerPort() const;
    /// "1.2.3.4:5" or "[::1]:5".
    QString peerString() const;

Q_SIGNALS:
    void connected();
    /// Bytes (or end of stream) can be read.
    void readyRead();
    /// The kernel took the last queued bytes after having refused some: writers
    /// held back by pendingBytes() may go on. (A queue that empties within
    /// write() or uncork() does not emit it.)
    void drained();
    /// The connection broke (connect failed, reset, broken pipe). Emitted once,
    /// never from inside read() or write().
    void failed(int errorCode);

private:
    enum class State { Connecting, Connected, Closed };
    TcpStream(int fd, State state, QObject* parent);
    void onReadable();
    void onWritable();
    /// Sends the queue and then extra in one sendmsg; returns how much of extra went.
    qsizetype sendQueued(QByteArrayView extra);
    bool flush();
    void setFailed(int error);
    void emitFailed();
    void updateWriteNotifier();

    int m_fd = -1;
    State m_state = State::Connected;
    QSocketNotifier* m_readNotifier = nullptr;
    QSocketNotifier* m_writeNotifier = nullptr;
    ByteQueue m_out;
    int m_error = 0;
    bool m_readEof = false;
    bool m_readWanted = true;
    bool m_shutdownRequested = false;
    bool m_shutdownDone = false;
    bool m_failureEmitted = false;
    bool m_corked = false;
    bool m_kernelFull = false;
};

} // namespace Switchyard
