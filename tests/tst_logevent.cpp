// compactHeaderCopy: the log capture's copy of header fields, all in one
// shared buffer. The copy must read exactly like the original, end every name
// and value with a NUL as any QByteArray does, outlive the original, and
// detach cleanly when one field is changed.

#include "LogEvent.h"

#include <QTest>

using namespace Switchyard;

class TestLogEvent : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void compactCopyReadsLikeTheOriginal();
    void compactCopySharesOneBuffer();
    void compactCopyOutlivesTheOriginal();
    void changingOneFieldLeavesTheOthers();
    void emptyListsAndEmptyValues();
};

namespace {

HeaderList sampleFields()
{
    return {
        {QByteArray("Content-Type"), QByteArray("text/html; charset=utf-8")},
        {QByteArray("Set-Cookie"), QByteArray("a=1; Path=/")},
        {QByteArray("X-Empty"), QByteArray()},
        {QByteArray("Content-Length"), QByteArray("1024")},
    };
}

} // namespace

void TestLogEvent::compactCopyReadsLikeTheOriginal()
{
    const HeaderList original = sampleFields();
    const HeaderList compact = compactHeaderCopy(original);
    QCOMPARE(compact, original);
    for (const HeaderField& field : compact) {
        // QByteArray promises a terminator after the last byte.
        QCOMPARE(field.first.constData()[field.first.size()], '\0');
        QCOMPARE(field.second.constData()[field.second.size()], '\0');
        QCOMPARE(qstrlen(field.first.constData()), size_t(field.first.size()));
    }
}

void TestLogEvent::compactCopySharesOneBuffer()
{
    const HeaderList original = sampleFields();
    const HeaderList compact = compactHeaderCopy(original);
    // Every name and value points into one block, laid out in order.
    const char* first = compact.constFirst().first.constData();
    const char* expected = first;
    for (const HeaderField& field : compact) {
        QCOMPARE(field.first.constData(), expected);
        expected += field.first.size() + 1;
        QCOMPARE(field.second.constData(), expected);
        expected += field.second.size() + 1;
        QVERIFY(!field.first.isDetached()); // shared with the other fields
    }
    // The original's own buffers are not shared with the copy.
    for (const HeaderField& field : original)
        QVERIFY(field.first.isDetached());
}

void TestLogEvent::compactCopyOutlivesTheOriginal()
{
    HeaderList compact;
    {
        HeaderList original = sampleFields();
        compact = compactHeaderCopy(original);
        for (HeaderField& field : original)
            field.second.fill('x'); // scribbled over, then freed
    }
    QCOMPARE(compact, sampleFields());
    // The last field alive keeps the block alive on its own.
    const QByteArray survivor = compact.at(1).second;
    compact.clear();
    QCOMPARE(survivor, QByteArray("a=1; Path=/"));
    QVERIFY(survivor.isDetached());
}

void TestLogEvent::changingOneFieldLeavesTheOthers()
{
    HeaderList compact = compactHeaderCopy(sampleFields());
    compact[0].second.append("; more");
    compact[1].first[0] = 's';
    compact[3].second.prepend('9');
    QCOMPARE(compact[0].second, QByteArray("text/html; charset=utf-8; more"));
    QCOMPARE(compact[1].first, QByteArray("set-Cookie"));
    QCOMPARE(compact[1].second, QByteArray("a=1; Path=/"));
    QCOMPARE(compact[2].first, QByteArray("X-Empty"));
    QCOMPARE(compact[3].second, QByteArray("91024"));
    QCOMPARE(compact[3].first, QByteArray("Content-Length"));
}

void TestLogEvent::emptyListsAndEmptyValues()
{
    QVERIFY(compactHeaderCopy({}).isEmpty());
    const HeaderList compact = compactHeaderCopy({{QByteArray("A"), QByteArray()}});
    QCOMPARE(compact.size(), 1);
    QCOMPARE(compact[0].first, QByteArray("A"));
    QVERIFY(compact[0].second.isEmpty());
    QCOMPARE(compact[0].second.constData()[0], '\0');
}

QTEST_GUILESS_MAIN(TestLogEvent)
#include "tst_logevent.moc"
