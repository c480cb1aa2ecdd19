#pragma once

#include <QImage>
#include <QString>
#include <QStringList>

namespace Switchyard {

/// A captured body made ready for display by BodyFormatter.
struct BodyPresentation
{
    enum class Kind {
        Empty, ///< no body captured
        Text,  ///< text as it came
        Json,  ///< JSON, pretty-printed
        Image, ///< a picture Qt can read
        Hex,   ///< anything else, as a hex dump
    };

    Kind kind = Kind::Empty;
    QString text;       ///< for Text, Json and Hex
    QImage image;       ///< for Image
    QStringList notes;  ///< what was done and what is missing ("decoded from gzip", "truncated")
    QByteArray decoded; ///< the body after Content-Encoding was undone
};

} // namespace Switchyard
