// A client reading a large download at about 1 KB/s: the engine (running in this
// process) must not buffer the origin's 100 MB while it waits. The resident set
// size of the whole process (/proc/self/status VmRSS) may grow by no more than a
// bound derived from limits.bufferBytes. tst_backpressure checks the bytes in
// flight; this checks the memory itself.

#include "EngineFixture.h"
#include "LoopbackOrigin.h"
#include "RawHttpClient.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>

using namespace Switchyard;

namespace {

constexpr qint64 kDownloadBytes = 100LL * 1024 * 1024;
constexpr int kEngineBufferBytes = 256 * 1024; // the default limits.bufferBytes
constexpr int kSlowPhaseMs = 5000;
constexpr int kTickMs = 100;
constexpr qint64 kBytesPerTick = 100; // 1 KB/s

/// VmRSS of this process in bytes, -1 if unknown.
qint64 residentBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:")) {
            const QList<QByteArray> fields = line.simplified().split(' ');
            bool ok = false;
            const qint64 kib = fields.value(1).toLongLong(&ok);
            return ok ? kib * 1024 : -1;
        }
    }
    return -1;
}

} // namespace

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer keeps freed memory in quarantine (256 MiB by default), so the
// resident size would grow with every byte that passed through, live or not.
// A tiny quarantine keeps this test about live memory under ASan too.
extern "C" const char* __asan_default_options()
{
    return "quarantine_size_mb=1";
}
#endif

class TestSlowReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void memoryStaysBounded();
};

void TestSlowReader::memoryStaysBounded()
{
    LoopbackOrigin origin;
    QVERIFY(origin.start());
    EngineSettings settings = EngineFixture::testSettings();
    settings.limits.bufferBytes = kEngineBufferBytes;
    EngineFixture engine;
    QVERIFY2(engine.start(settings), qPrintable(engine.errorString()));

    // Warm up: one small exchange so the engine's lazily built parts exist.
    {
        RawHttpClient warm;
        QVERIFY(warm.connectTo(engine.port()));
        const QByteArray a = origin.hostPort().toLatin1();
        QVERIFY(warm.write("GET http://" + a + "/bytes/70000 HTTP/1.1\r\nHost: " + a +
                           "\r\nConnection: close\r\n\r\n"));
        HttpMessage response;
        QVERIFY2(warm.readResponse(&response), qPrintable(warm.errorString()));
        QCOMPARE(response.body.size(), 70000);
    }
    QTest::qWait(200);
    const qint64 before = residentBytes();
    QVERIFY2(before > 0, "cannot read VmRSS from /proc/self/status");

    // The engine may hold bufferBytes per direction and connection, plus the
    // origin's own send queue (LoopbackOrigin runs in this process too: up to
    // about 1 MiB) and allocator slack. Without back-pressure the growth would
    // be most of the 100 MB.
    const qint64 bound = 4 * qint64(kEngineBufferBytes) + (8LL << 20);

    RawHttpClient client;
    QVERIFY2(client.connectWithReceiveBuffer(engine.port(), 4096),
             qPrintable(client.errorString()));
    QTcpSocket& socket = client.socket();
    socket.setReadBufferSize(4096);
    const QByteArray a = origin.hostPort().toLatin1();
    QVERIFY(client.write("GET http://" + a + "/bytes/" + QByteArray::number(kDownloadBytes) +
                         " HTTP/1.1\r\nHost: " + a + "\r\nConnection: close\r\n\r\n"));

    qint64 read = 0;
    qint64 peak = before;
    QByteArray start;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < kSlowPhaseMs) {
        QTest::qWait(kTickMs);
        const QByteArray data = socket.read(kBytesPerTick);
        if (start.size() < 64)
            start += data.left(64 - start.size());
        read += data.size();
        peak = std::max(peak, residentBytes());
    }
    const qint64 growth = peak - before;
    qInfo("slow reader: read %lld bytes in %lld ms; origin sent %lld of %lld bytes; "
          "VmRSS %lld KiB before, peak growth %lld KiB (bound %lld KiB, bufferBytes %d KiB)",
          read, qint64(timer.elapsed()), origin.bytesSent(), kDownloadBytes, before / 1024,
          growth / 1024, bound / 1024, kEngineBufferBytes / 1024);
    QVERIFY2(start.startsWith("HTTP/1.1 200"), start);
    QVERIFY2(read > 0 && read <= (kSlowPhaseMs / kTickMs) * kBytesPerTick,
             QByteArray::number(read));
    QVERIFY2(origin.bytesSent() < kDownloadBytes / 4,
             "the origin was able to send most of the download to a client reading 1 KB/s");
    QVERIFY2(growth <= bound, qPrintable(QStringLiteral("VmRSS grew by %1 KiB, bound %2 KiB")
                                             .arg(growth / 1024)
                                             .arg(bound / 1024)));
}

QTEST_GUILESS_MAIN(TestSlowReader)
#include "tst_slowreader.moc"
