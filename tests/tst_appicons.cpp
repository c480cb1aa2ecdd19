// The icons embedded in the ui library: present under :/icons/, drawn by the
// qsvg plugin (libqt6svg6, a run-time dependency of the package), visible at
// tray and menu sizes, and each state icon different from the others.
#include <QApplication>
#include <QFile>
#include <QIcon>
#include <QImage>
#include <QImageReader>
#include <QPixmap>
#include <QTest>

class TestAppIcons : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void svgPluginIsThere();
    void iconDraws_data();
    void iconDraws();
    void stateIconsDiffer();
};

namespace {

// Pixels that are not (almost) transparent.
int opaquePixels(const QImage& image)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x)
            count += qAlpha(image.pixel(x, y)) > 128 ? 1 : 0;
    }
    return count;
}

QImage draw(const QString& path, int size)
{
    return QIcon(path).pixmap(size, size).toImage().convertToFormat(QImage::Format_ARGB32);
}

} // namespace

void TestAppIcons::svgPluginIsThere()
{
    QVERIFY2(QImageReader::supportedImageFormats().contains("svg"),
             "the qsvg image format plugin is missing (Debian: libqt6svg6)");
}

void TestAppIcons::iconDraws_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("size");
    for (const char* name : {"switchyard", "tray-off", "tray-direct", "tray-exit", "tray-error"}) {
        for (const int size : {16, 22, 64}) {
            const QString path = QStringLiteral(":/icons/%1.svg").arg(QLatin1StringView(name));
            QTest::addRow("%s@%d", name, size) << path << size;
        }
    }
}

void TestAppIcons::iconDraws()
{
    QFETCH(QString, path);
    QFETCH(int, size);
    QVERIFY2(QFile::exists(path), qPrintable(path));
    QImageReader reader(path);
    QCOMPARE(reader.format(), QByteArray("svg"));
    const QImage image = draw(path, size);
    QCOMPARE(image.size(), QSize(size, size));
    // A badge or tile fills most of its square; an empty or broken drawing does not.
    QVERIFY2(
        opaquePixels(image) > size * size / 2,
        qPrintable(QStringLiteral("%1 opaque of %2").arg(opaquePixels(image)).arg(size * size)));
}

void TestAppIcons::stateIconsDiffer()
{
    const QStringList names{QStringLiteral("off"), QStringLiteral("direct"), QStringLiteral("exit"),
                            QStringLiteral("error")};
    QList<QImage> images;
    for (const QString& name : names)
        images.append(draw(QStringLiteral(":/icons/tray-%1.svg").arg(name), 16));
    for (qsizetype i = 0; i < images.size(); ++i) {
        for (qsizetype j = i + 1; j < images.size(); ++j)
            QVERIFY2(images.at(i) != images.at(j),
                     qPrintable(names.at(i) + QStringLiteral(" looks like ") + names.at(j)));
    }
}

QTEST_MAIN(TestAppIcons)
#include "tst_appicons.moc"
