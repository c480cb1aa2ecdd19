// Back-pressure: a client that reads slowly must throttle the origin through the
// proxy instead of the proxy buffering the whole response.

#include "BytePattern.h"
#include "EngineFixture.h"
#include "LoopbackOrigin.h"
#include "RawHttpClient.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QTest>

using namespace Switchyard;

namespace {

constexpr int kEngineBufferBytes = 64 * 1024;
constexpr int kOriginSendBuffer = 64 * 1024;
constexpr int kClientReceiveBuffer = 16 * 1024;
constexpr int kClientReadBuffer = 16 * 1024;

// The largest value in a /proc/sys/net/ipv4/tcp_[rw]mem triple ("min default max").
qint64 sysctlMax(const QString& path, qint64 fallback)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fallback;
    const QList<QByteArray> fields = file.readAll().simplified().split(' ');
    bool ok = false;
    const qint64 value = fields.value(2).toLongLong(&ok);
    return ok ? value : fallback;
}

} // namespace

class TestBackpressure : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void slowReaderThrottlesOrigin();
};

void TestBackpressure::slowReaderThrottlesOrigin()
{
    // What may legitimately sit between the origin and the slow client. The kernel
    // buffers that we do not pin can autotune up to the tcp_[rw]mem maximum: the
    // proxy's receive buffer from the origin and its send buffer towards the
    // client. On top of that, the origin's pinned send buffer, the client's pinned
    // receive buffer and Qt read buffer, and the engine's own per-direction buffers
    // (bufferBytes, counted four times for slack: socket buffers on both sides).
    const qint64 rmemMax = sysctlMax(QStringLiteral("/proc/sys/net/ipv4/tcp_rmem"), 6 << 20);
    const qint64 wmemMax = sysctlMax(QStringLiteral("/proc/sys/net/ipv4/tcp_wmem"), 4 << 20);
    const qint64 bound = rmemMax + wmemMax + 4 * kEngineBufferBytes + 2 * kOriginSendBuffer +
                         2 * kClientReceiveBuffer + kClientReadBuffer + (1 << 20);
    // The download must be much larger than the bound, or an engine without any
    // back-pressure would pass.
    const qint64 size = qMax<qint64>(64 << 20, bound + (32 << 20));

    LoopbackOrigin origin;
    origin.setSendBufferSize(kOriginSendBuffer);
    QVERIFY(origin.start());
    EngineSettings settings = EngineFixture::testSettings();
    settings.limits.bufferBytes = kEngineBufferBytes;
    EngineFixture engine;
    QVERIFY2(engine.start(settings), qPrintable(engine.errorString()));

    RawHttpClient client;
    QVERIFY2(client.connectWithReceiveBuffer(engine.port(), kClientReceiveBuffer),
             qPrintable(client.errorString()));
    QTcpSocket& socket = client.socket();
    socket.setReadBufferSize(kClientReadBuffer);
    const QByteArray a = origin.hostPort().toLatin1();
    QVERIFY(client.write("GET http://" + a + "/bytes/" + QByteArray::number(size) +
                         " HTTP/1.1\r\nHost: " + a + "\r\nConnection: close\r\n\r\n"));

    // Slow phase: about 40 KB/s for two seconds.
    QByteArray head;
    qint64 bodyRead = 0;
    QString mismatch;
    auto consume = [&](qint64 maxBytes) {
        QByteArray data = socket.read(maxBytes);
        if (head.isEmpty() || !head.endsWith("\r\n\r\n")) {
            head += data;
            const qsizetype end = head.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            data = head.mid(end + 4);
            head.truncate(end + 4);
        }
        if (mismatch.isEmpty())
            mismatch = BytePattern::compare(data, bodyRead);
        bodyRead += data.size();
    };
    qint64 sentAtOneSecond = 0;
    qint64 readAtOneSecond = 0;
    for (int tick = 1; tick <= 20; ++tick) {
        QTest::qWait(100);
        consume(4096);
        if (tick == 10) {
            sentAtOneSecond = origin.bytesSent();
            readAtOneSecond = bodyRead;
        }
    }
    const qint64 sent = origin.bytesSent();
    const qint64 inFlight = sent - bodyRead;
    qInfo("slow phase: origin sent %lld bytes, client read %lld, in flight %lld, bound %lld, "
          "download %lld",
          sent, bodyRead, inFlight, bound, size);
    QVERIFY2(head.startsWith("HTTP/1.1 200"), head);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    QVERIFY2(sent < size, "the origin sent the whole body to a client that read almost nothing");
    QVERIFY2(inFlight <= bound,
             qPrintable(QStringLiteral("%1 bytes in flight, bound %2").arg(inFlight).arg(bound)));
    // How much the in-flight amount still grew in the second second. Informational
    // only: under parallel load the kernel buffers can still be filling then.
    const qint64 growth = (sent - sentAtOneSecond) - (bodyRead - readAtOneSecond);
    qInfo("in-flight growth in the second second: %lld bytes", growth);

    // Fast phase: read the rest and check every byte.
    socket.setReadBufferSize(0);
    const QDeadlineTimer deadline(30'000);
    while (bodyRead < size && !deadline.hasExpired()) {
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(1000) &&
            socket.state() != QAbstractSocket::ConnectedState && socket.bytesAvailable() == 0)
            break;
        consume(1 << 20);
    }
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    QCOMPARE(bodyRead, size);
    QVERIFY(origin.protocolErrors().isEmpty());
}

QTEST_GUILESS_MAIN(TestBackpressure)
#include "tst_backpressure.moc"
