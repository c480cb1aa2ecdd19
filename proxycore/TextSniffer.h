#pragma once

#include <QByteArrayView>

namespace Switchyard {

/// Tells captured bodies that read as text from binary ones, the same way for
/// the details pane and for HAR export.
class TextSniffer
{
public:
    /// Whether data is valid UTF-8 (a cut-off trailing sequence counts as
    /// invalid) with no NUL and hardly any other control characters.
    static bool isUtf8Text(QByteArrayView data);
};

} // namespace Switchyard
