#include "BodyFormatter.h"

#include "BodyDecoder.h"
#include "TextSniffer.h"

#include <QImage>
#include <QJsonDocument>
#include <QLocale>
#include <QStringDecoder>

namespace Switchyard {

namespace {

QByteArray firstValue(const HeaderList& headers, QByteArrayView name)
{
    for (const HeaderField& field : headers) {
        if (field.first.compare(name, Qt::CaseInsensitive) == 0)
            return field.second.trimmed();
    }
    return {};
}

// The media type and charset parameter of a Content-Type value, lower case.
void parseContentType(const QByteArray& value, QByteArray* mime, QByteArray* charset)
{
    const QList<QByteArray> parts = value.split(';');
    *mime = parts.value(0).trimmed().toLower();
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const QByteArray parameter = parts.at(i).trimmed();
        if (parameter.toLower().startsWith("charset=")) {
            QByteArray name = parameter.mid(8).trimmed();
            if (name.size() >= 2 && name.startsWith('"') && name.endsWith('"'))
                name = name.mid(1, name.size() - 2);
            *charset = name.toLower();
        }
    }
}

bool looksLikeImage(const QByteArray& data)
{
    return data.startsWith("\x89PNG") || data.startsWith("\xff\xd8\xff") ||
           data.startsWith("GIF8") || data.startsWith("BM") ||
           (data.startsWith("RIFF") && data.mid(8, 4) == "WEBP");
}

bool looksLikeJson(const QByteArray& data)
{
    for (const char c : data) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        return c == '{' || c == '[';
    }
    return false;
}

// A body cut by the capture cap may end inside a UTF-8 sequence; without those
// last bytes it can still read as text.
QByteArray withoutCutCharacter(const QByteArray& data)
{
    for (qsizetype back = 1; back <= qMin<qsizetype>(4, data.size()); ++back) {
        const auto byte = quint8(data.at(data.size() - back));
        if ((byte & 0xc0) == 0x80)
            continue; // continuation byte: look further back for the lead byte
        const qsizetype length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
        return length > back ? data.left(data.size() - back) : data;
    }
    return data;
}

QString sizeText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace

QString BodyFormatter::prettyJson(const QByteArray& data)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(data, &error);
    if (error.error != QJsonParseError::NoError || document.isNull())
        return {};
    return QString::fromUtf8(document.toJson(QJsonDocument::Indented));
}

QString BodyFormatter::hexDump(QByteArrayView data, qsizetype limit)
{
    static constexpr char digits[] = "0123456789abcdef";
    const qsizetype shown = qMin(data.size(), limit);
    QString out;
    out.reserve((shown / 16 + 1) * 78);
    for (qsizetype offset = 0; offset < shown; offset += 16) {
        out += QStringLiteral("%1  ").arg(offset, 8, 16, QLatin1Char('0'));
        QString ascii;
        for (qsizetype i = 0; i < 16; ++i) {
            if (offset + i < shown) {
                const auto byte = quint8(data.at(offset + i));
                out += QLatin1Char(digits[byte >> 4]);
                out += QLatin1Char(digits[byte & 0x0f]);
                out += QLatin1Char(' ');
                ascii += byte >= 0x20 && byte < 0x7f ? QLatin1Char(char(byte)) : QLatin1Char('.');
            } else {
                out += QStringLiteral("   ");
            }
            if (i == 7)
                out += QLatin1Char(' ');
        }
        out += QLatin1Char(' ');
        out += ascii;
        out += QLatin1Char('\n');
    }
    return out;
}

BodyPresentation BodyFormatter::present(const HeaderList& headers, const QByteArray& body,
                                        bool truncated)
{
    BodyPresentation out;
    if (body.isEmpty())
        return out;

    QByteArray data = body;
    const QByteArray encoding = BodyDecoder::contentEncoding(headers);
    if (!encoding.isEmpty()) {
        const BodyDecoder::Result decoded = BodyDecoder::decode(body, encoding);
        const QString name = QString::fromLatin1(encoding);
        switch (decoded.status) {
        case BodyDecoder::Status::Identity:
            break;
        case BodyDecoder::Status::Decoded:
            data = decoded.body;
            out.notes.append(tr("Decoded from %1: %2 sent, %3 decoded")
                                 .arg(name, sizeText(body.size()), sizeText(data.size())));
            break;
        case BodyDecoder::Status::Partial:
            data = decoded.body;
            out.notes.append(tr("Decoded from %1 as far as it goes: %2").arg(name, decoded.error));
            break;
        case BodyDecoder::Status::Unsupported:
        case BodyDecoder::Status::Failed:
            out.notes.append(tr("Shown as sent (%1)").arg(decoded.error));
            break;
        }
    }
    if (truncated)
        out.notes.append(
            tr("Only the first %1 of the body were captured").arg(sizeText(body.size())));
    out.decoded = data;

    QByteArray mime;
    QByteArray charset;
    parseContentType(firstValue(headers, "content-type"), &mime, &charset);

    if (mime.startsWith("image/") || looksLikeImage(data)) {
        QImage image;
        if (image.loadFromData(data)) {
            out.kind = BodyPresentation::Kind::Image;
            out.image = image;
            out.notes.append(tr("%1 × %2 pixels, %3")
                                 .arg(image.width())
                                 .arg(image.height())
                                 .arg(QString::fromLatin1(mime.isEmpty() ? "image" : mime)));
            return out;
        }
    }
    if (mime.contains("json") || looksLikeJson(data)) {
        const QString pretty = prettyJson(data);
        if (!pretty.isNull()) {
            out.kind = BodyPresentation::Kind::Json;
            out.text = pretty;
            return out;
        }
    }

    QString text;
    bool isText = false;
    if (!charset.isEmpty() && charset != "utf-8" && charset != "utf8" && charset != "us-ascii") {
        QStringDecoder decoder(charset.constData());
        if (decoder.isValid()) {
            text = decoder.decode(data);
            isText = !decoder.hasError() && TextSniffer::isUtf8Text(text.toUtf8());
        }
    }
    const QByteArray whole = truncated ? withoutCutCharacter(data) : data;
    if (!isText && TextSniffer::isUtf8Text(whole)) {
        text = QString::fromUtf8(whole);
        isText = true;
    }
    if (isText) {
        out.kind = BodyPresentation::Kind::Text;
        if (text.size() > maxTextChars) {
            text.truncate(maxTextChars);
            out.notes.append(tr("Text cut after %1 characters").arg(maxTextChars));
        }
        out.text = text;
        return out;
    }

    out.kind = BodyPresentation::Kind::Hex;
    out.text = hexDump(data);
    out.notes.append(tr("Binary, %1").arg(sizeText(data.size())));
    if (data.size() > maxHexBytes)
        out.notes.append(tr("Hex dump of the first %1").arg(sizeText(maxHexBytes)));
    return out;
}

} // namespace Switchyard
