// HarRecorder: a HAR file written while exchanges still finish. It appears
// whole at commit() or not at all, and is the same document HarWriter makes
// from the same events at once.

#include "HarReader.h"
#include "HarRecorder.h"
#include "HarValidator.h"
#include "HarWriter.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchyard;

namespace {

LogEvent exchange(quint64 id, const QString& path)
{
    LogEvent e;
    e.id = id;
    e.phase = LogPhase::Finished;
    e.startedAtMs = 1'760'000'000'000 + qint64(id);
    e.clientAddress = QStringLiteral("127.0.0.1:50001");
    e.protocol = LogProtocol::Http;
    e.method = "GET";
    e.host = QStringLiteral("example.test");
    e.port = 80;
    e.target = QStringLiteral("http://example.test") + path;
    e.httpVersion = "HTTP/1.1";
    e.status = 200;
    e.responseReason = "OK";
    e.bytesDown = 5;
    e.durationUs = 1'000;
    e.connectUs = 100;
    e.firstByteUs = 500;
    e.route = QStringLiteral("direct");
    e.requestHeaders = {{"Host", "example.test"}, {"Authorization", "Bearer secret-token"}};
    e.responseHeaders = {{"Content-Type", "text/plain"}, {"Content-Length", "5"}};
    e.responseBody = "hello";
    return e;
}

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestHarRecorder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sameDocumentAsHarWriter();
    void fileAppearsOnlyAtCommit();
    void discardLeavesTheOldFile();
    void emptyRunIsAValidHar();
    void unmaskedWhenAsked();
    void openFailsAtOnce();

private:
    QTemporaryDir m_dir;
};

void TestHarRecorder::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void TestHarRecorder::sameDocumentAsHarWriter()
{
    const QList<LogEvent> events{exchange(1, QStringLiteral("/a")),
                                 exchange(2, QStringLiteral("/b")),
                                 exchange(3, QStringLiteral("/c"))};
    const QString path = m_dir.filePath(QStringLiteral("same.har"));
    HarRecorder recorder;
    QCOMPARE(recorder.open(path), QString());
    for (const LogEvent& event : events)
        recorder.add(event);
    QCOMPARE(recorder.count(), 3);
    QCOMPARE(recorder.commit(), QString());
    const QByteArray written = readAll(path);
    QCOMPARE(written, HarWriter().toJson(events));
    const HarImport imported = HarReader::read(written);
    QCOMPARE(imported.events.size(), 3);
    QCOMPARE(imported.events.at(1).target, QStringLiteral("http://example.test/b"));
    QVERIFY(!written.contains("secret-token")); // masked by default
    const HarValidator::Result validation = HarValidator::validate(path);
    QVERIFY2(validation.ran, qPrintable(validation.output));
    QVERIFY2(validation.valid, qPrintable(validation.output));
}

void TestHarRecorder::fileAppearsOnlyAtCommit()
{
    const QString path = m_dir.filePath(QStringLiteral("late.har"));
    HarRecorder recorder;
    QCOMPARE(recorder.open(path), QString());
    recorder.add(exchange(1, QStringLiteral("/x")));
    QVERIFY(!QFile::exists(path)); // a reader never sees half a document
    QCOMPARE(recorder.commit(), QString());
    QVERIFY(QFile::exists(path));
    QCOMPARE(HarReader::read(readAll(path)).events.size(), 1);
}

void TestHarRecorder::discardLeavesTheOldFile()
{
    const QString path = m_dir.filePath(QStringLiteral("old.har"));
    {
        QFile old(path);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("the previous capture");
    }
    HarRecorder recorder;
    QCOMPARE(recorder.open(path), QString());
    recorder.add(exchange(1, QStringLiteral("/x")));
    QCOMPARE(readAll(path), QByteArray("the previous capture"));
    recorder.discard();
    QVERIFY(!recorder.isOpen());
    QCOMPARE(readAll(path), QByteArray("the previous capture"));
    // Nothing left behind next to it either.
    QCOMPARE(QDir(m_dir.path()).entryList({QStringLiteral("old.har*")}, QDir::Files),
             QStringList{QStringLiteral("old.har")});
}

void TestHarRecorder::emptyRunIsAValidHar()
{
    const QString path = m_dir.filePath(QStringLiteral("empty.har"));
    HarRecorder recorder;
    QCOMPARE(recorder.open(path), QString());
    QCOMPARE(recorder.commit(), QString());
    const QJsonObject log =
        QJsonDocument::fromJson(readAll(path)).object().value(u"log").toObject();
    QVERIFY(log.value(u"entries").isArray());
    QCOMPARE(log.value(u"entries").toArray().size(), 0);
    const HarValidator::Result validation = HarValidator::validate(path);
    QVERIFY2(validation.valid, qPrintable(validation.output));
}

void TestHarRecorder::unmaskedWhenAsked()
{
    const QString path = m_dir.filePath(QStringLiteral("unmasked.har"));
    HarRecorder recorder;
    recorder.setMaskSensitiveHeaders(false);
    QCOMPARE(recorder.open(path), QString());
    recorder.add(exchange(1, QStringLiteral("/x")));
    QCOMPARE(recorder.commit(), QString());
    QVERIFY(readAll(path).contains("Bearer secret-token"));
}

void TestHarRecorder::openFailsAtOnce()
{
    const QString path = m_dir.filePath(QStringLiteral("no-such-folder/x.har"));
    HarRecorder recorder;
    const QString error = recorder.open(path);
    QVERIFY2(error.contains(path), qPrintable(error));
    QVERIFY(!recorder.isOpen());
    recorder.add(exchange(1, QStringLiteral("/x"))); // harmless
    QCOMPARE(recorder.count(), 0);
}

QTEST_GUILESS_MAIN(TestHarRecorder)
#include "tst_harrecorder.moc"
