#pragma once

#include "ByteQueue.h"
#include "SocketWatch.h"
#include "Stream.h"

#include <QHostAddress>
#include <QObject>

namespace Switchyard {

/// A non-blocking TCP socket driven by the engine thread's event loop. Unlike
/// QTcpSocket it keeps no read buffer (unread bytes stay in the kernel, which is
/// the back-pressure), supports half-close in both directions, and writes straight
/// to the kernel, queueing only what the kernel does not take.
class TcpStream : public Stream, private SocketWatchHandler
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

    qint64 read(char* data, qint64 maxSize) override;
    bool write(QByteArrayView data) override;
    /// Zero-copy reading (Linux): moves up to maxSize bytes from the socket into
    /// a pipe. Returns like read().
    qint64 spliceToPipe(int pipeWriteFd, qint64 maxSize);
    /// Zero-copy writing (Linux): moves up to size bytes from a pipe into the
    /// socket, only while nothing is queued by write(). Returns how many went, -1
    /// if the stream broke (failed() follows). When the kernel takes fewer than
    /// size, drained() follows once it has room again.
    qint64 spliceFromPipe(int pipeReadFd, qint64 size);
    /// The next byte without consuming it: 0-255, -1 if none yet, -2 at the end.
    int peekByte();
    qint64 pendingBytes() const override { return m_out.size() + m_corkBuffer.size(); }
    /// Corked writes leave in one sendmsg, so a head and a short body share a segment.
    void cork() override { m_corked = true; }
    void uncork() override;

    void setReadEnabled(bool enabled) override;
    /// Sends FIN after the queued bytes; reading goes on.
    void shutdownWrite() override;
    /// Closes the socket at once; queued bytes are dropped.
    void close() override;

    bool isConnected() const override { return m_state == State::Connected; }
    bool atEnd() const override { return m_readEof; }
    int errorCode() const override { return m_error; }
    QString errorString() const override;
    int descriptor() const { return m_fd; }
    /// Gives up the socket without closing it (for TLS to take it over).
    int releaseDescriptor();
    QHostAddress peerAddress() const;
    quint16 peerPort() const;
    /// "1.2.3.4:5" or "[::1]:5".
    QString peerString() const;
    static QPair<QHostAddress, quint16> peerOf(int fd);
    static QString peerStringOf(int fd);
    /// This end's address as "127.0.0.1:8877" or "[::1]:8877".
    QString localString() const;

private:
    /// One read into the process (recv) or into a pipe (splice): the bytes
    /// read, 0 when nothing is there yet, -1 at the end or on an error.
    template <typename ReadCall> qint64 receive(ReadCall readCall);
    enum class State { Connecting, Connected, Closed };
    TcpStream(int fd, State state, QObject* parent);
    void socketReadable() override;
    void socketWritable() override;
    /// Sends the queue and then extra in one sendmsg; returns how much of extra went.
    qsizetype sendQueued(QByteArrayView extra);
    bool writeNow(QByteArrayView data);
    bool releaseCorked();
    bool flush();
    void setFailed(int error);
    void emitFailed();
    void updateWriteInterest();

    int m_fd = -1;
    State m_state = State::Connected;
    SocketWatch m_watch;
    ByteQueue m_out;
    /// Small corked writes, gathered here (after everything in m_out). Its memory
    /// is kept from one response to the next, so corking costs no allocation.
    QByteArray m_corkBuffer;
    int m_error = 0;
    bool m_readEof = false;
    bool m_readWanted = true;
    bool m_shutdownRequested = false;
    bool m_shutdownDone = false;
    bool m_failureEmitted = false;
    bool m_corked = false;
    bool m_kernelFull = false;
    bool m_spliceWaiting = false; ///< a pipe holds bytes for this socket
};

} // namespace Switchyard
