#pragma once

#include "LogEvent.h"

#include <QByteArray>
#include <QByteArrayView>

namespace Switchyard {

/// The header fields that carry credentials (Authorization, Proxy-Authorization,
/// Cookie, Set-Cookie) and how they are masked wherever traffic is shown or
/// exported. Masking keeps what helps a tester and hides the secret: the
/// authentication scheme ("Bearer ********") and the cookie names
/// ("session=********; theme=********"), with Set-Cookie attributes left as sent.
class SensitiveHeaders
{
public:
    /// What stands in for a hidden value.
    static constexpr char maskText[] = "********";

    /// Whether name (in any case) is one of the masked fields.
    static bool isSensitive(QByteArrayView name);
    /// The masked rendition of value for this field; value itself when the field
    /// is not sensitive.
    static QByteArray mask(QByteArrayView name, const QByteArray& value);
    /// A copy of headers with every sensitive value masked.
    static HeaderList masked(const HeaderList& headers);
};

} // namespace Switchyard
