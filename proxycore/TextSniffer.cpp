#include "TextSniffer.h"

#include <QStringDecoder>

namespace Switchyard {

bool TextSniffer::isUtf8Text(QByteArrayView data)
{
    qsizetype controls = 0;
    for (const char c : data) {
        const auto byte = quint8(c);
        if (byte == 0)
            return false;
        // Tab, line feed, vertical tab, form feed, carriage return and escape
        // (terminal colours) occur in text; the other C0 controls hardly ever do.
        if (byte < 0x20 && !(byte >= 0x09 && byte <= 0x0d) && byte != 0x1b)
            ++controls;
    }
    if (controls * 100 > data.size())
        return false;
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    [[maybe_unused]] const QString decoded = decoder.decode(data);
    return !decoder.hasError();
}

} // namespace Switchyard
