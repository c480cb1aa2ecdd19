#include "Tunnel.h"

#include "ScratchBuffer.h"
#include "Stream.h"
#include "TcpStream.h"

namespace Switchyard {

namespace {
// Reads per readiness event before yielding to other connections.
constexpr int kReadsPerTurn = 16;
// A read this large means bulk data is flowing: from then on that direction
// splices. Small request/response traffic stays on the cheaper copy path and
// never takes a pipe.
constexpr qint64 kSpliceAfterRead = 32 * 1024;
} // namespace

Tunnel::Tunnel(Stream* client, Stream* upstream, qint64 bufferBytes, QObject* parent)
    : QObject(parent), m_client(client), m_upstream(upstream),
      m_bufferBytes(bufferBytes), m_up{.from = client, .to = upstream, .counter = &m_bytesUp},
      m_down{.from = upstream, .to = client, .counter = &m_bytesDown}
{
    client->setParent(this);
    upstream->setParent(this);
    disconnect(client, nullptr, nullptr, nullptr);
    disconnect(upstream, nullptr, nullptr, nullptr);
    auto* tcpClient = qobject_cast<TcpStream*>(client);
    auto* tcpUpstream = qobject_cast<TcpStream*>(upstream);
    // A TLS stream may hold decrypted bytes the socket no longer signals, so
    // only plain sockets may skip the read that would find the queue empty.
    m_up.shortReadDrains = tcpClient != nullptr;
    m_down.shortReadDrains = tcpUpstream != nullptr;
    if (SplicePipe::available()) {
        if (tcpClient && tcpUpstream) {
            m_up.spliceFrom = tcpClient;
            m_up.spliceTo = tcpUpstream;
            m_down.spliceFrom = tcpUpstream;
            m_down.spliceTo = tcpClient;
        }
    }
}

Tunnel::~Tunnel() = default;

void Tunnel::start()
{
    connect(m_client, &Stream::readyRead, this, [this] { pump(m_up); });
    connect(m_upstream, &Stream::readyRead, this, [this] { pump(m_down); });
    // A drained queue lets the opposite reader go on.
    connect(m_upstream, &Stream::drained, this, [this] {
        pump(m_up);
        checkDone();
    });
    connect(m_client, &Stream::drained, this, [this] {
        pump(m_down);
        checkDone();
    });
    connect(m_client, &Stream::failed, this, [this] { onFailed(m_client); });
    connect(m_upstream, &Stream::failed, this, [this] { onFailed(m_upstream); });
    m_client->setReadEnabled(true);
    m_upstream->setReadEnabled(true);
    pump(m_up);
    pump(m_down);
}

void Tunnel::pump(Direction& d)
{
    if (m_finished || d.ended)
        return;
    if (d.splicing) {
        pumpSpliced(d);
        return;
    }
    char* buffer = ScratchBuffer::data();
    for (int i = 0; i < kReadsPerTurn; ++i) {
        if (d.to->pendingBytes() >= m_bufferBytes) {
            d.from->setReadEnabled(false); // resumed by the other side's drained()
            return;
        }
        const qint64 n = d.from->read(buffer, ScratchBuffer::size);
        if (n > 0) {
            *d.counter += quint64(n);
            if (!d.to->write(QByteArrayView(buffer, n)))
                return; // failed() follows
            if (n >= kSpliceAfterRead && d.spliceFrom && d.to->pendingBytes() == 0) {
                d.pipe = std::make_unique<SplicePipe>();
                d.splicing = true;
                pumpSpliced(d);
                return;
            }
            if (n < ScratchBuffer::size && d.shortReadDrains) {
                // The socket had no more: skip the read that would only say so
                // (one system call per message); readiness brings us back.
                d.from->setReadEnabled(true);
                return;
            }
            continue;
        }
        if (n == 0) {
            d.from->setReadEnabled(true);
            return;
        }
        if (d.from->errorCode() != 0)
            return; // failed() follows
        endDirection(d);
        return;
    }
    d.from->setReadEnabled(true);
}

void Tunnel::pumpSpliced(Direction& d)
{
    SplicePipe& pipe = *d.pipe;
    for (int i = 0; i < kReadsPerTurn; ++i) {
        if (!flushPipe(d))
            return;
        if (!pipe.acquire()) {
            // Out of descriptors for a pipe: copying still works.
            d.splicing = false;
            d.pipe.reset();
            pump(d);
            return;
        }
        const qint64 n = d.spliceFrom->spliceToPipe(pipe.writeFd(), SplicePipe::capacity);
        if (n > 0) {
            *d.counter += quint64(n);
            pipe.pending = n;
            if (n < SplicePipe::capacity)
                break; // the socket had no more (see pump()); send this and yield
            continue;
        }
        pipe.release(); // nothing in flight: an idle tunnel holds no pipe
        if (n == 0) {
            d.from->setReadEnabled(true);
            return;
        }
        if (d.from->errorCode() != 0)
            return; // failed() follows
        endDirection(d);
        return;
    }
    // Yielding to other connections: what is in the pipe must not wait for
    // more input that may never come.
    if (!flushPipe(d))
        return;
    pipe.release();
    d.from->setReadEnabled(true);
}

bool Tunnel::flushPipe(Direction& d)
{
    SplicePipe& pipe = *d.pipe;
    if (pipe.pending == 0)
        return true;
    const qint64 moved = d.spliceTo->spliceFromPipe(pipe.readFd(), pipe.pending);
    if (moved < 0)
        return false; // failed() follows
    pipe.pending -= moved;
    if (pipe.pending > 0) {
        d.from->setReadEnabled(false); // resumed by the other side's drained()
        return false;
    }
    return true;
}

void Tunnel::endDirection(Direction& d)
{
    d.ended = true;
    d.to->shutdownWrite();
    checkDone();
}

void Tunnel::onFailed(Stream* stream)
{
    finish(stream == m_client
               ? QStringLiteral("client connection broke: %1").arg(stream->errorString())
               : QStringLiteral("upstream connection broke: %1").arg(stream->errorString()));
}

void Tunnel::checkDone()
{
    if (m_up.ended && m_down.ended && m_client->pendingBytes() == 0 &&
        m_upstream->pendingBytes() == 0)
        finish({});
}

void Tunnel::finish(const QString& error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_up.pipe.reset();
    m_down.pipe.reset();
    m_client->close();
    m_upstream->close();
    Q_EMIT finished(error);
}

} // namespace Switchyard
