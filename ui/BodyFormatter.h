#pragma once

#include "BodyPresentation.h"
#include "LogEvent.h"

#include <QCoreApplication>

namespace Switchyard {

/// Turns a captured body into something to show: Content-Encoding undone
/// (BodyDecoder), then an image when Qt can read it, JSON pretty-printed, text
/// in its charset, and everything else as a hex dump.
class BodyFormatter
{
    Q_DECLARE_TR_FUNCTIONS(BodyFormatter)
public:
    /// A hex dump shows at most this many bytes; the rest is only counted.
    static constexpr qsizetype maxHexBytes = 64 * 1024;
    /// Text beyond this many characters is cut (the editor stays responsive).
    static constexpr qsizetype maxTextChars = 2 * 1024 * 1024;

    /// headers are the message's own (Content-Type, Content-Encoding);
    /// truncated says the capture kept only the start of the body.
    static BodyPresentation present(const HeaderList& headers, const QByteArray& body,
                                    bool truncated);

    /// "00000000  48 54 54 50 …  HTTP…" lines, 16 bytes each, up to limit bytes.
    static QString hexDump(QByteArrayView data, qsizetype limit = maxHexBytes);
    /// Indented JSON, or a null string when data is not JSON.
    static QString prettyJson(const QByteArray& data);
};

} // namespace Switchyard
