#include "Tunnel.h"

#include "ScratchBuffer.h"
#include "Stream.h"

namespace Switchyard {

namespace {
// Reads per readiness event before yielding to other connections.
constexpr int kReadsPerTurn = 16;
} // namespace

Tunnel::Tunnel(Stream* client, Stream* upstream, qint64 bufferBytes, QObject* parent)
    : QObject(parent), m_client(client), m_upstream(upstream),
      m_bufferBytes(bufferBytes), m_up{client, upstream, &m_bytesUp}, m_down{upstream, client,
                                                                             &m_bytesDown}
{
    client->setParent(this);
    upstream->setParent(this);
    disconnect(client, nullptr, nullptr, nullptr);
    disconnect(upstream, nullptr, nullptr, nullptr);
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
            continue;
        }
        if (n == 0) {
            d.from->setReadEnabled(true);
            return;
        }
        if (d.from->errorCode() != 0)
            return; // failed() follows
        d.ended = true;
        d.to->shutdownWrite();
        checkDone();
        return;
    }
    d.from->setReadEnabled(true);
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
    m_client->close();
    m_upstream->close();
    Q_EMIT finished(error);
}

} // namespace Switchyard
