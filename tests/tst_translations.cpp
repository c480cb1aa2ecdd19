// Every translation is complete and current: lupdate is run over the sources
// into a copy of each .ts file (as `update_translations` would), and the copy
// must have no unfinished, obsolete or vanished entry. A string added or
// changed in the code without its translations fails here.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace Qt::StringLiterals;

namespace {

struct TsCounts
{
    int messages = 0;
    int unfinished = 0;
    int obsolete = 0; ///< obsolete or vanished: in the file, gone from the code
    int empty = 0;    ///< finished but with no text
    QStringList examples;
};

TsCounts countEntries(const QString& path)
{
    TsCounts counts;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return counts;
    QXmlStreamReader xml(&file);
    QString source;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == u"source") {
            source = xml.readElementText();
        } else if (xml.name() == u"translation") {
            ++counts.messages;
            const QString type = xml.attributes().value(u"type"_s).toString();
            const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            if (type == u"unfinished")
                ++counts.unfinished;
            else if (type == u"obsolete" || type == u"vanished")
                ++counts.obsolete;
            else if (text.trimmed().isEmpty())
                ++counts.empty;
            else
                continue;
            if (counts.examples.size() < 5)
                counts.examples.append(
                    u"%1 (%2)"_s.arg(source, type.isEmpty() ? u"empty"_s : type));
        }
    }
    return counts;
}

} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void complete_data();
    void complete();
};

void TestTranslations::complete_data()
{
    QTest::addColumn<QString>("tsFile");
    const QStringList files =
        QString::fromUtf8(SWITCHYARD_TS_FILES).split(u'|', Qt::SkipEmptyParts);
    QVERIFY(files.size() >= 5);
    for (const QString& file : files)
        QTest::newRow(qPrintable(QFileInfo(file).fileName())) << file;
}

void TestTranslations::complete()
{
    QFETCH(QString, tsFile);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString copy = dir.filePath(QFileInfo(tsFile).fileName());
    QVERIFY(QFile::copy(tsFile, copy));
    QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);

    // The committed file as it is: nothing unfinished, nothing left over.
    const TsCounts committed = countEntries(copy);
    QVERIFY2(committed.messages > 0, "no messages at all");

    QProcess lupdate;
    lupdate.setProcessChannelMode(QProcess::MergedChannels);
    lupdate.start(QString::fromUtf8(SWITCHYARD_LUPDATE),
                  {u"-locations"_s, u"none"_s, u"@"_s + QString::fromUtf8(SWITCHYARD_LUPDATE_LIST),
                   u"-ts"_s, copy});
    QVERIFY2(lupdate.waitForFinished(120'000), "lupdate did not finish in 120 s");
    QVERIFY2(lupdate.exitCode() == 0, lupdate.readAll().constData());

    const TsCounts updated = countEntries(copy);
    QVERIFY2(
        updated.unfinished == 0 && updated.obsolete == 0 && updated.empty == 0,
        qPrintable(u"%1 unfinished, %2 obsolete, %3 empty of %4, e.g. %5"_s.arg(updated.unfinished)
                       .arg(updated.obsolete)
                       .arg(updated.empty)
                       .arg(updated.messages)
                       .arg(updated.examples.join(u"; "_s))));
    QCOMPARE(updated.messages, committed.messages);
}

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
