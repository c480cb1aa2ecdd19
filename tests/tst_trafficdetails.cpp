// Decoding and showing captured bodies (gzip, deflate, brotli, JSON, images, binary),
// the details pane with its masked secrets, "copy as curl" and the domain rule
// of thumb of the context menu.

#include "BodyDecoder.h"
#include "BodyFormatter.h"
#include "Compression.h"
#include "CurlCommand.h"
#include "TrafficBodyView.h"
#include "TrafficContextMenu.h"
#include "TrafficDetailsPane.h"

#include <QBuffer>
#include <QImage>
#include <QTabWidget>
#include <QTest>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextTable>
#include <QToolButton>
#include <brotli/encode.h>

using namespace Switchyard;

Q_DECLARE_METATYPE(Switchyard::BodyDecoder::Status)
Q_DECLARE_METATYPE(Switchyard::BodyPresentation::Kind)

namespace {

const QByteArray sampleText =
    "The quick brown fox jumps over the lazy dog. " + QByteArray(300, 'z');

// Brotli made here with libbrotlienc; the decoder under test uses libbrotlidec.
QByteArray brotli(const QByteArray& data, int quality = BROTLI_MAX_QUALITY)
{
    size_t size = BrotliEncoderMaxCompressedSize(size_t(data.size()));
    QByteArray out(qsizetype(size), Qt::Uninitialized);
    if (!BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC,
                               size_t(data.size()),
                               reinterpret_cast<const uint8_t*>(data.constData()), &size,
                               reinterpret_cast<uint8_t*>(out.data())))
        qFatal("BrotliEncoderCompress failed");
    out.truncate(qsizetype(size));
    return out;
}

// About 150 KB of words in a fixed pseudo-random order: compresses to more than
// the decoder's 16 KiB input step, and a cut anywhere leaves some output.
QByteArray manyWords()
{
    QByteArray out;
    quint32 x = 1;
    for (int i = 0; i < 20'000; ++i) {
        x = x * 1103515245u + 12345u;
        out += "word" + QByteArray::number((x >> 16) % 500) + ' ';
    }
    return out;
}

// Every byte value, then bytes in a fixed pseudo-random order: not UTF-8.
QByteArray binaryBytes()
{
    QByteArray out;
    for (int i = 0; i < 256; ++i)
        out += char(i);
    quint32 x = 7;
    for (int i = 0; i < 5000; ++i) {
        x = x * 1103515245u + 12345u;
        out += char(x >> 24);
    }
    return out;
}

// A brotli stream written by hand (RFC 7932 section 9): a 64 KiB window and one
// uncompressed meta-block holding data (at most 65,536 bytes). The stream is
// not closed; the caller adds the byte that follows.
QByteArray uncompressedBrotli(const QByteArray& data)
{
    // Bit 0: WBITS 16; bit 1: ISLAST 0; bits 2-3: MNIBBLES 4; bits 4-19:
    // MLEN - 1; bit 20: ISUNCOMPRESSED; then zero bits to the byte boundary.
    const quint32 header = (quint32(data.size() - 1) << 4) | (1u << 20);
    QByteArray out;
    out += char(header & 0xff);
    out += char((header >> 8) & 0xff);
    out += char(header >> 16);
    return out + data;
}

QByteArray pngBytes(int width, int height)
{
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(QColor(10, 120, 200));
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

LogEvent httpEvent()
{
    LogEvent e;
    e.id = 42;
    e.phase = LogPhase::Finished;
    e.startedAtMs = 1'700'000'000'000;
    e.clientAddress = QStringLiteral("127.0.0.1:40000");
    e.method = "POST";
    e.host = QStringLiteral("api.example.test");
    e.port = 80;
    e.target = QStringLiteral("http://api.example.test/v1/items?limit=5");
    e.httpVersion = "HTTP/1.1";
    e.status = 201;
    e.responseReason = "Created";
    e.durationUs = 15'000;
    e.connectUs = 1'000;
    e.firstByteUs = 14'000;
    e.route = QStringLiteral("direct");
    e.requestHeaders = {{"Host", "api.example.test"},
                        {"Authorization", "Bearer sekrit-token"},
                        {"Content-Type", "application/json"},
                        {"Cookie", "sid=cookie-secret"},
                        {"Accept-Encoding", "gzip"}};
    e.requestBody = "{\"name\":\"it's\"}";
    e.bytesUp = quint64(e.requestBody.size());
    e.responseHeaders = {{"Content-Type", "application/json"},
                         {"Content-Encoding", "gzip"},
                         {"Set-Cookie", "sid=set-secret; Path=/"}};
    e.responseBody = Compression::gzip(R"({"id":7,"tags":["a","b"]})");
    e.bytesDown = quint64(e.responseBody.size());
    return e;
}

} // namespace

class TestTrafficDetails : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decode_data();
    void decode();
    void decodeStopsAtOutputLimit();
    void brotliCutOff();
    void brotliDamaged();
    void present_data();
    void present();
    void hexDumpLayout();
    void paneMasksSecrets();
    void paneRevealsOneValueOnClick();
    void paneDecodesBodies();
    void paneShowsTunnels();
    void paneRightToLeft();
    void curlCommand();
    void curlQuotesBinary();
    void domainOf_data();
    void domainOf();

private:
    QPoint anchorPoint(QTextBrowser* browser, const QString& text);
};

void TestTrafficDetails::decode_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("encoding");
    QTest::addColumn<BodyDecoder::Status>("status");
    QTest::addColumn<QByteArray>("expected");

    using S = BodyDecoder::Status;
    const QByteArray gz = Compression::gzip(sampleText);
    QTest::newRow("gzip") << gz << QByteArray("gzip") << S::Decoded << sampleText;
    QTest::newRow("x-gzip, any case") << gz << QByteArray("X-GZip") << S::Decoded << sampleText;
    QTest::newRow("deflate (zlib)")
        << Compression::zlib(sampleText) << QByteArray("deflate") << S::Decoded << sampleText;
    QTest::newRow("deflate (raw)")
        << Compression::rawDeflate(sampleText) << QByteArray("deflate") << S::Decoded << sampleText;
    QTest::newRow("concatenated gzip members")
        << gz + Compression::gzip("tail") << QByteArray("gzip") << S::Decoded
        << sampleText + "tail";
    QTest::newRow("gzip then deflate")
        << Compression::zlib(gz) << QByteArray("gzip, deflate") << S::Decoded << sampleText;
    QTest::newRow("identity") << sampleText << QByteArray("identity") << S::Identity << sampleText;
    QTest::newRow("no encoding") << sampleText << QByteArray() << S::Identity << sampleText;
    QTest::newRow("truncated gzip")
        << gz.left(gz.size() / 2) << QByteArray("gzip") << S::Partial << QByteArray();
    QTest::newRow("not gzip") << sampleText << QByteArray("gzip") << S::Failed << sampleText;
    const QByteArray json = R"({"id":7,"tags":["a","b"],"name":"na\u00efve"})";
    const QByteArray words = manyWords();
    QTest::newRow("br text") << brotli(sampleText) << QByteArray("br") << S::Decoded << sampleText;
    QTest::newRow("br json") << brotli(json) << QByteArray("br") << S::Decoded << json;
    QTest::newRow("br binary, any case")
        << brotli(binaryBytes()) << QByteArray("BR") << S::Decoded << binaryBytes();
    QTest::newRow("br, input in many steps")
        << brotli(words) << QByteArray("br") << S::Decoded << words;
    QTest::newRow("br, gzip") << Compression::gzip(brotli(sampleText)) << QByteArray("br, gzip")
                              << S::Decoded << sampleText;
    QTest::newRow("gzip, br") << brotli(gz) << QByteArray("gzip, br") << S::Decoded << sampleText;
    QTest::newRow("br, bytes after the stream ignored")
        << brotli(sampleText) + "junk" << QByteArray("br") << S::Decoded << sampleText;
    QTest::newRow("not br") << sampleText << QByteArray("br") << S::Failed << sampleText;
    QTest::newRow("br cut before any output") << QByteArray("\x1b\x03\x00", 3) << QByteArray("br")
                                              << S::Failed << QByteArray("\x1b\x03\x00", 3);
    QTest::newRow("zstd") << QByteArray("\x28\xb5\x2f\xfd\x00\x58\x31\x00", 8) << QByteArray("zstd")
                          << S::Unsupported << QByteArray("\x28\xb5\x2f\xfd\x00\x58\x31\x00", 8);
}

void TestTrafficDetails::decode()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, encoding);
    QFETCH(BodyDecoder::Status, status);
    QFETCH(QByteArray, expected);
    const BodyDecoder::Result result = BodyDecoder::decode(body, encoding);
    QCOMPARE(result.status, status);
    if (status == BodyDecoder::Status::Partial) {
        QVERIFY(!result.error.isEmpty());
        QVERIFY(sampleText.startsWith(result.body));
        return;
    }
    QCOMPARE(result.body, expected);
    QCOMPARE(result.error.isEmpty(),
             status == BodyDecoder::Status::Decoded || status == BodyDecoder::Status::Identity);
}

void TestTrafficDetails::decodeStopsAtOutputLimit()
{
    const QByteArray bomb = Compression::gzip(QByteArray(4 * 1024 * 1024, '\0'));
    QVERIFY(bomb.size() < 10'000);
    const BodyDecoder::Result result = BodyDecoder::decode(bomb, "gzip", 100'000);
    QCOMPARE(result.status, BodyDecoder::Status::Partial);
    QCOMPARE(result.body.size(), 100'000);

    const QByteArray brBomb = brotli(QByteArray(10 * 1024 * 1024, '\0'), 5);
    QVERIFY(brBomb.size() < 100);
    const BodyDecoder::Result br = BodyDecoder::decode(brBomb, "br", 100'000);
    QCOMPARE(br.status, BodyDecoder::Status::Partial);
    QCOMPARE(br.body, QByteArray(100'000, '\0'));
    QCOMPARE(br.error, QStringLiteral("decoded body larger than 100000 bytes"));
    // The limit holds through a chain too.
    const BodyDecoder::Result chained =
        BodyDecoder::decode(Compression::gzip(brBomb), "br, gzip", 100'000);
    QCOMPARE(chained.status, BodyDecoder::Status::Partial);
    QCOMPARE(chained.body, QByteArray(100'000, '\0'));
}

void TestTrafficDetails::brotliCutOff()
{
    const QByteArray words = manyWords();
    const QByteArray compressed = brotli(words);
    QVERIFY(compressed.size() > 16 * 1024);
    for (int eighths = 1; eighths < 8; ++eighths) {
        const qsizetype cut = compressed.size() * eighths / 8;
        const BodyDecoder::Result result = BodyDecoder::decode(compressed.left(cut), "br");
        QCOMPARE(result.status, BodyDecoder::Status::Partial);
        QCOMPARE(result.error, QStringLiteral("compressed data ends early"));
        QVERIFY(!result.body.isEmpty());
        QCOMPARE(result.body, words.left(result.body.size()));
        // The words compress evenly, so the output keeps in step with the
        // input; what the decoder holds back when the input ends (tens of
        // kilobytes with libbrotli 1.0.9) must be taken too.
        const qsizetype inStep = words.size() * cut / compressed.size();
        QVERIFY2(result.body.size() > inStep - 8 * 1024,
                 qPrintable(QStringLiteral("%1 bytes from %2 of %3, expected about %4")
                                .arg(result.body.size())
                                .arg(cut)
                                .arg(compressed.size())
                                .arg(inStep)));
    }
}

void TestTrafficDetails::brotliDamaged()
{
    QByteArray data;
    for (int i = 0; i < 40'000; ++i)
        data += char('a' + i % 26);
    const QByteArray stream = uncompressedBrotli(data);
    // Closed with an empty last meta-block (ISLAST, ISLASTEMPTY) it is whole.
    const BodyDecoder::Result whole = BodyDecoder::decode(stream + '\x03', "br");
    QCOMPARE(whole.status, BodyDecoder::Status::Decoded);
    QCOMPARE(whole.body, data);
    // A meta-block header with its reserved bit set: damaged after the output
    // decoded so far, which must be a true prefix.
    const BodyDecoder::Result damaged = BodyDecoder::decode(stream + '\x0e', "br");
    QCOMPARE(damaged.status, BodyDecoder::Status::Partial);
    QVERIFY(!damaged.body.isEmpty());
    QVERIFY(damaged.body.size() < data.size());
    QCOMPARE(damaged.body, data.left(damaged.body.size()));
    QCOMPARE(damaged.error,
             QStringLiteral("compressed data is damaged after %1 bytes").arg(damaged.body.size()));
    // Damaged before any output: Failed, with the library's reason, body as sent.
    const QByteArray early = uncompressedBrotli("abc") + '\x0e';
    const BodyDecoder::Result failed = BodyDecoder::decode(early, "br");
    QCOMPARE(failed.status, BodyDecoder::Status::Failed);
    QCOMPARE(failed.body, early);
    QVERIFY2(failed.error.startsWith(u"br: not valid brotli data (") &&
                 failed.error.endsWith(u')') && failed.error.size() > 30,
             qPrintable(failed.error));
}

void TestTrafficDetails::present_data()
{
    QTest::addColumn<HeaderList>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("truncated");
    QTest::addColumn<BodyPresentation::Kind>("kind");
    QTest::addColumn<QString>("textStart");
    QTest::addColumn<QString>("note");

    using K = BodyPresentation::Kind;
    const QByteArray json = R"({"b":[1,2],"a":"x"})";
    QTest::newRow("empty") << HeaderList{} << QByteArray() << false << K::Empty << QString()
                           << QString();
    QTest::newRow("json pretty-printed")
        << HeaderList{{"Content-Type", "application/json; charset=utf-8"}} << json << false
        << K::Json << QStringLiteral("{\n    \"a\": \"x\",\n    \"b\": [\n") << QString();
    QTest::newRow("json sniffed") << HeaderList{{"Content-Type", "text/plain"}} << json << false
                                  << K::Json << QStringLiteral("{\n") << QString();
    QTest::newRow("gzip json") << HeaderList{{"Content-Type", "application/json"},
                                             {"Content-Encoding", "gzip"}}
                               << Compression::gzip(json) << false << K::Json
                               << QStringLiteral("{\n") << QStringLiteral("Decoded from gzip");
    QTest::newRow("deflate text") << HeaderList{{"Content-Type", "text/plain"},
                                                {"Content-Encoding", "deflate"}}
                                  << Compression::zlib(sampleText) << false << K::Text
                                  << QStringLiteral("The quick brown fox")
                                  << QStringLiteral("Decoded from deflate");
    QTest::newRow("truncated json is text")
        << HeaderList{{"Content-Type", "application/json"}} << json.left(8) << true << K::Text
        << QStringLiteral("{\"b\":[1,") << QStringLiteral("Only the first");
    QTest::newRow("latin-1 text") << HeaderList{{"Content-Type",
                                                 "text/plain; charset=\"ISO-8859-1\""}}
                                  << QByteArray("caf\xe9 au lait") << false << K::Text
                                  << QStringLiteral("café au lait") << QString();
    QTest::newRow("utf-8 cut by the capture")
        << HeaderList{{"Content-Type", "text/plain"}} << QByteArray("na\xc3\xafve \xe2\x82") << true
        << K::Text << QStringLiteral("naïve ") << QString();
    QTest::newRow("png") << HeaderList{{"Content-Type", "image/png"}} << pngBytes(20, 10) << false
                         << K::Image << QString() << QStringLiteral("20 × 10 pixels");
    QTest::newRow("png without type") << HeaderList{} << pngBytes(3, 4) << false << K::Image
                                      << QString() << QStringLiteral("3 × 4");
    QTest::newRow("broken png is hex")
        << HeaderList{{"Content-Type", "image/png"}} << pngBytes(20, 10).left(30) << false << K::Hex
        << QStringLiteral("00000000  89 50 4e 47") << QStringLiteral("Binary");
    QTest::newRow("binary") << HeaderList{{"Content-Type", "application/octet-stream"}}
                            << QByteArray("\x00\x01\x02\x03hello\xff", 10) << false << K::Hex
                            << QStringLiteral("00000000  00 01 02 03 68 65 6c 6c  6f ff")
                            << QStringLiteral("Binary");
    QTest::newRow("brotli json") << HeaderList{{"Content-Type", "application/json"},
                                               {"Content-Encoding", "br"}}
                                 << brotli(json) << false << K::Json << QStringLiteral("{\n")
                                 << QStringLiteral("Decoded from br");
    QTest::newRow("brotli then gzip text")
        << HeaderList{{"Content-Type", "text/plain"}, {"Content-Encoding", "br, gzip"}}
        << Compression::gzip(brotli(sampleText)) << false << K::Text
        << QStringLiteral("The quick brown fox") << QStringLiteral("Decoded from br, gzip");
    const QByteArray words = brotli(manyWords());
    QTest::newRow("brotli cut by the capture")
        << HeaderList{{"Content-Type", "text/plain"}, {"Content-Encoding", "br"}}
        << words.left(words.size() / 2) << true << K::Text << QStringLiteral("word")
        << QStringLiteral("Decoded from br as far as it goes: compressed data ends early");
    QTest::newRow("zstd shown as sent")
        << HeaderList{{"Content-Type", "text/html"}, {"Content-Encoding", "zstd"}}
        << QByteArray("\x28\xb5\x2f\xfd\x00\x58\x31\x00", 8) << false << K::Hex
        << QStringLiteral("00000000  28 b5 2f fd") << QStringLiteral("Shown as sent (the zstd");
}

void TestTrafficDetails::present()
{
    QFETCH(HeaderList, headers);
    QFETCH(QByteArray, body);
    QFETCH(bool, truncated);
    QFETCH(BodyPresentation::Kind, kind);
    QFETCH(QString, textStart);
    QFETCH(QString, note);
    const BodyPresentation presentation = BodyFormatter::present(headers, body, truncated);
    QCOMPARE(presentation.kind, kind);
    QVERIFY2(presentation.text.startsWith(textStart), qPrintable(presentation.text.left(200)));
    const QString notes = presentation.notes.join(QLatin1Char('|'));
    QVERIFY2(notes.contains(note), qPrintable(notes));
    if (kind == BodyPresentation::Kind::Image)
        QVERIFY(!presentation.image.isNull());
}

void TestTrafficDetails::hexDumpLayout()
{
    QByteArray data;
    for (int i = 0; i < 40; ++i)
        data.append(char(i + 60));
    const QStringList lines =
        BodyFormatter::hexDump(data).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines.at(0),
             QStringLiteral("00000000  3c 3d 3e 3f 40 41 42 43  44 45 46 47 48 49 4a 4b  "
                            "<=>?@ABCDEFGHIJK"));
    QVERIFY(lines.at(2).startsWith(QStringLiteral("00000020  5c 5d")));
    QCOMPARE(BodyFormatter::hexDump(QByteArray(1000, 'a'), 32).count(QLatin1Char('\n')), 2);
    // A large binary body is dumped only in part, and says so.
    const BodyPresentation big =
        BodyFormatter::present({}, QByteArray(BodyFormatter::maxHexBytes * 2, '\x01'), false);
    QCOMPARE(big.kind, BodyPresentation::Kind::Hex);
    QCOMPARE(big.text.count(QLatin1Char('\n')), BodyFormatter::maxHexBytes / 16);
    QVERIFY(big.notes.join(QString()).contains(QStringLiteral("first")));
}

QPoint TestTrafficDetails::anchorPoint(QTextBrowser* browser, const QString& text)
{
    const QTextCursor found = browser->document()->find(text);
    if (found.isNull())
        return {};
    QTextCursor middle(browser->document());
    middle.setPosition((found.selectionStart() + found.selectionEnd()) / 2);
    return browser->cursorRect(middle).center();
}

void TestTrafficDetails::paneMasksSecrets()
{
    TrafficDetailsPane pane;
    pane.resize(800, 600);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    pane.setEvent(httpEvent());
    const auto requestText = [&] {
        return pane.requestHeaders()->toPlainText();
    };
    const auto responseText = [&] {
        return pane.responseHeaders()->toPlainText();
    };
    QVERIFY2(requestText().contains(u"Bearer ********"), qPrintable(requestText()));
    QVERIFY(requestText().contains(u"sid=********"));
    QVERIFY(!requestText().contains(u"sekrit-token"));
    QVERIFY(!requestText().contains(u"cookie-secret"));
    QVERIFY(responseText().contains(u"sid=********; Path=/"));
    QVERIFY(requestText().contains(u"application/json")); // other fields as sent

    pane.tabs()->setCurrentIndex(TrafficDetailsPane::RequestTab);
    QTest::mouseClick(pane.revealButton(), Qt::LeftButton);
    QVERIFY(pane.revealsSecrets());
    QVERIFY(requestText().contains(u"Bearer sekrit-token"));
    QVERIFY(requestText().contains(u"sid=cookie-secret"));
    QVERIFY(responseText().contains(u"sid=set-secret"));
    QTest::mouseClick(pane.revealButton(), Qt::LeftButton);
    QVERIFY(!pane.revealsSecrets());
    QVERIFY(!requestText().contains(u"sekrit-token"));
}

void TestTrafficDetails::paneRevealsOneValueOnClick()
{
    TrafficDetailsPane pane;
    pane.resize(800, 600);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    pane.setEvent(httpEvent());
    pane.tabs()->setCurrentIndex(TrafficDetailsPane::RequestTab);
    QTextBrowser* headers = pane.requestHeaders();
    QTRY_VERIFY(headers->isVisible());
    const QPoint point = anchorPoint(headers, QStringLiteral("Bearer ********"));
    QVERIFY(!point.isNull());
    QTest::mouseClick(headers->viewport(), Qt::LeftButton, {}, point);
    QTRY_VERIFY(headers->toPlainText().contains(u"Bearer sekrit-token"));
    // Only that value: the cookie stays masked.
    QVERIFY(headers->toPlainText().contains(u"sid=********"));
    // Another exchange starts masked again.
    LogEvent other = httpEvent();
    other.id = 43;
    pane.setEvent(other);
    QVERIFY(!headers->toPlainText().contains(u"sekrit-token"));
}

void TestTrafficDetails::paneDecodesBodies()
{
    TrafficDetailsPane pane;
    pane.setEvent(httpEvent());
    QCOMPARE(pane.responseBody()->kind(), BodyPresentation::Kind::Json);
    QVERIFY(pane.responseBody()->text().contains(u"\"tags\": ["));
    QVERIFY(pane.responseBody()->notes().contains(u"gzip"));
    LogEvent br = httpEvent();
    br.responseHeaders = {{"Content-Type", "application/json"}, {"Content-Encoding", "br"}};
    br.responseBody = brotli(R"({"id":7,"tags":["a","b"]})");
    pane.setEvent(br);
    QCOMPARE(pane.responseBody()->kind(), BodyPresentation::Kind::Json);
    QVERIFY(pane.responseBody()->text().contains(u"\"tags\": ["));
    QVERIFY(pane.responseBody()->notes().contains(u"Decoded from br"));
    pane.setEvent(httpEvent());
    QCOMPARE(pane.requestBody()->kind(), BodyPresentation::Kind::Json);
    QVERIFY(pane.tabs()->isTabEnabled(TrafficDetailsPane::ResponseTab));
    const QString overview = pane.overview()->toPlainText();
    QVERIFY(overview.contains(u"http://api.example.test/v1/items?limit=5"));
    QVERIFY(overview.contains(u"201 Created"));
    QVERIFY(overview.contains(u"15.0 ms"));

    LogEvent image = httpEvent();
    image.responseHeaders = {{"Content-Type", "image/png"}};
    image.responseBody = pngBytes(16, 16);
    pane.setEvent(image);
    QCOMPARE(pane.responseBody()->kind(), BodyPresentation::Kind::Image);
    QCOMPARE(pane.responseBody()->image().size(), QSize(16, 16));

    pane.clearEvent();
    QVERIFY(!pane.hasEvent());
    QVERIFY(!pane.tabs()->isTabEnabled(TrafficDetailsPane::RequestTab));
}

void TestTrafficDetails::paneShowsTunnels()
{
    LogEvent tunnel;
    tunnel.id = 5;
    tunnel.phase = LogPhase::Finished;
    tunnel.protocol = LogProtocol::Connect;
    tunnel.method = "CONNECT";
    tunnel.host = QStringLiteral("secure.example.test");
    tunnel.port = 443;
    tunnel.target = QStringLiteral("secure.example.test:443");
    tunnel.status = 200;
    tunnel.bytesUp = 1234;
    tunnel.bytesDown = 56789;
    tunnel.durationUs = 3'250'000;
    tunnel.connectUs = 4'000;
    tunnel.route = QStringLiteral("Office VPN");
    tunnel.rule = QStringLiteral("domain example.test");
    TrafficDetailsPane pane;
    pane.tabs()->setCurrentIndex(TrafficDetailsPane::ResponseTab);
    pane.setEvent(tunnel);
    const QString overview = pane.overview()->toPlainText();
    QVERIFY2(overview.contains(u"secure.example.test:443"), qPrintable(overview));
    QVERIFY(overview.contains(u"Through the exit Office VPN"));
    QVERIFY(overview.contains(u"domain example.test"));
    QVERIFY(overview.contains(QLocale().toString(1234)));
    QVERIFY(overview.contains(QLocale().toString(56789)));
    QVERIFY(overview.contains(u"3.250 s"));
    QVERIFY(overview.contains(u"not inspected"));
    QCOMPARE(pane.tabs()->currentIndex(), int(TrafficDetailsPane::OverviewTab));
    QVERIFY(!pane.tabs()->isTabEnabled(TrafficDetailsPane::RequestTab));
    QVERIFY(!pane.tabs()->isTabEnabled(TrafficDetailsPane::ResponseTab));
}

namespace {

Qt::LayoutDirection firstTableDirection(QTextBrowser* browser)
{
    for (QTextFrame* frame : browser->document()->rootFrame()->childFrames()) {
        if (auto* table = qobject_cast<QTextTable*>(frame))
            return table->format().layoutDirection();
    }
    return Qt::LayoutDirectionAuto;
}

} // namespace

void TestTrafficDetails::paneRightToLeft()
{
    // Persian and other right-to-left interfaces: the overview's labels sit on
    // the right, while header lists stay as HTTP writes them.
    TrafficDetailsPane pane;
    pane.setEvent(httpEvent());
    QCOMPARE(firstTableDirection(pane.overview()), Qt::LeftToRight);
    pane.setLayoutDirection(Qt::RightToLeft);
    QCOMPARE(firstTableDirection(pane.overview()), Qt::RightToLeft);
    // The gap between label and value moves to the label's left.
    QTextTable* overview = nullptr;
    for (QTextFrame* frame : pane.overview()->document()->rootFrame()->childFrames())
        overview = overview ? overview : qobject_cast<QTextTable*>(frame);
    QVERIFY(overview);
    const QTextTableCellFormat label = overview->cellAt(0, 0).format().toTableCellFormat();
    QCOMPARE(label.leftPadding(), 12.0);
    QCOMPARE(firstTableDirection(pane.requestHeaders()), Qt::LeftToRight);
    QCOMPARE(firstTableDirection(pane.responseHeaders()), Qt::LeftToRight);
    QTextCursor first(pane.requestHeaders()->document());
    QCOMPARE(first.blockFormat().layoutDirection(), Qt::LeftToRight); // the request line
}

void TestTrafficDetails::curlCommand()
{
    const QString curl = CurlCommand::fromEvent(httpEvent());
    const QStringList parts = curl.split(QStringLiteral(" \\\n  "));
    QCOMPARE(parts.at(0), QStringLiteral("curl"));
    QCOMPARE(parts.at(1), QStringLiteral("'http://api.example.test/v1/items?limit=5'"));
    QVERIFY(parts.contains(QStringLiteral("-H 'Authorization: Bearer sekrit-token'")));
    QVERIFY(parts.contains(QStringLiteral("-H 'Content-Type: application/json'")));
    QVERIFY(parts.contains(QStringLiteral("--compressed")));
    QVERIFY(parts.contains(QStringLiteral("--data-binary '{\"name\":\"it'\\''s\"}'")));
    QVERIFY(!curl.contains(u"-X")); // POST with a body is curl's default
    QVERIFY(!curl.contains(u"'Host:"));
    QVERIFY(!curl.contains(u"Accept-Encoding"));

    LogEvent head = httpEvent();
    head.method = "HEAD";
    head.requestBody.clear();
    QVERIFY(CurlCommand::fromEvent(head).contains(u"--head"));
    LogEvent put = httpEvent();
    put.method = "PUT";
    QVERIFY(CurlCommand::fromEvent(put).contains(u"-X 'PUT'"));
    LogEvent tunnel = httpEvent();
    tunnel.protocol = LogProtocol::Connect;
    QVERIFY(CurlCommand::fromEvent(tunnel).isEmpty());
}

void TestTrafficDetails::curlQuotesBinary()
{
    QCOMPARE(CurlCommand::shellQuote("plain"), QStringLiteral("'plain'"));
    QCOMPARE(CurlCommand::shellQuote("it's"), QStringLiteral("'it'\\''s'"));
    QCOMPARE(CurlCommand::shellQuote(QByteArray("a\nb\x01\xff'", 6)),
             QStringLiteral("$'a\\nb\\x01\\xff\\''"));
    LogEvent cut = httpEvent();
    cut.requestBodyTruncated = true;
    QVERIFY(CurlCommand::fromEvent(cut).endsWith(
        QStringLiteral("# the body above is cut: the capture kept only its start")));
}

void TestTrafficDetails::domainOf_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("domain");
    QTest::newRow("www") << QStringLiteral("www.example.com") << QStringLiteral("example.com");
    QTest::newRow("deep") << QStringLiteral("a.b.c.example.org") << QStringLiteral("example.org");
    QTest::newRow("apex") << QStringLiteral("example.com") << QStringLiteral("example.com");
    QTest::newRow("co.uk") << QStringLiteral("shop.example.co.uk")
                           << QStringLiteral("example.co.uk");
    QTest::newRow("com.au") << QStringLiteral("www.example.com.au")
                            << QStringLiteral("example.com.au");
    QTest::newRow("case and dot") << QStringLiteral("WWW.Example.COM.")
                                  << QStringLiteral("example.com");
    QTest::newRow("ipv4") << QStringLiteral("192.168.1.10") << QString();
    QTest::newRow("ipv6") << QStringLiteral("2001:db8::1") << QString();
    QTest::newRow("single label") << QStringLiteral("localhost") << QString();
}

void TestTrafficDetails::domainOf()
{
    QFETCH(QString, host);
    QFETCH(QString, domain);
    QCOMPARE(TrafficContextMenu::domainOf(host), domain);
}

QTEST_MAIN(TestTrafficDetails)
#include "tst_trafficdetails.moc"
