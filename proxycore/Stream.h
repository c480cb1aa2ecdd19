#pragma once

#include <QByteArrayView>
#include <QObject>

namespace Switchyard {

/// A byte stream the engine relays: a plain TCP socket (TcpStream) or TLS to an
/// upstream proxy (TlsStream). Reading is pull-based: readyRead() says bytes (or
/// the end) can be read, and the owner reads until read() returns 0 or turns
/// reading off, which leaves the bytes with the peer (back-pressure).
class Stream : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    /// >0 bytes read, 0 nothing now, -1 end of stream or error (see atEnd(), errorCode()).
    virtual qint64 read(char* data, qint64 maxSize) = 0;
    /// Sends what the peer takes now and queues the rest; false if already broken.
    virtual bool write(QByteArrayView data) = 0;
    virtual qint64 pendingBytes() const = 0;
    /// While corked, small writes are only queued; uncork() sends them together.
    virtual void cork() {}
    virtual void uncork() {}
    virtual void setReadEnabled(bool enabled) = 0;
    /// Ends the sending direction once the queue is out; reading goes on where
    /// the transport allows it.
    virtual void shutdownWrite() = 0;
    virtual void close() = 0;
    virtual bool isConnected() const = 0;
    virtual bool atEnd() const = 0;
    /// Non-zero once the stream broke (an errno value, or -1 for TLS errors).
    virtual int errorCode() const = 0;
    virtual QString errorString() const = 0;

Q_SIGNALS:
    void connected();
    void readyRead();
    /// The peer took the last queued bytes after having refused some: writers
    /// held back by pendingBytes() may go on. A queue that empties within
    /// write() or uncork() does not emit it.
    void drained();
    /// The stream broke. Emitted once, never from inside read() or write().
    void failed(int errorCode);
};

} // namespace Switchyard
