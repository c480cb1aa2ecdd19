#include "HeaderRewriter.h"

namespace Switchyard {

namespace {

constexpr QByteArrayView kHopByHop[] = {
    "connection", "proxy-connection",  "keep-alive",          "te",
    "trailer",    "transfer-encoding", "proxy-authorization", "proxy-authenticate",
};

} // namespace

void HeaderRewriter::stripHopByHop(HttpHead& head, const Options& options)
{
    // Collect the names Connection lists before removing anything, so that a
    // Connection field naming itself or another hop-by-hop field does no harm.
    QList<QByteArray> named;
    for (const HeaderField& field : head.headers) {
        if (!equalsIgnoreCase(field.first, "connection") &&
            !equalsIgnoreCase(field.first, "proxy-connection"))
            continue;
        for (QByteArrayView token : splitTokens(field.second)) {
            // Content-Length frames the body that is forwarded as it came: a
            // Connection field naming it must not strip it, or the body would be
            // read as the next message downstream (request smuggling).
            if (!token.isEmpty() && !equalsIgnoreCase(token, "content-length"))
                named.append(token.toByteArray());
        }
    }
    head.headers.removeIf([&](const HeaderField& field) {
        for (QByteArrayView name : kHopByHop) {
            if (equalsIgnoreCase(field.first, name))
                return true;
        }
        if (equalsIgnoreCase(field.first, "upgrade"))
            return !options.keepUpgrade;
        for (const QByteArray& name : named) {
            if (equalsIgnoreCase(field.first, name))
                return true;
        }
        return false;
    });
    if (options.keepUpgrade)
        head.headers.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("Upgrade")});
    if (options.addVia) {
        const QByteArray via = viaValue(head);
        const QByteArray existing = head.value("via");
        if (existing.isEmpty())
            head.headers.append({QByteArrayLiteral("Via"), via});
        else
            head.set(QByteArrayLiteral("Via"), existing + ", " + via);
    }
}

QByteArray HeaderRewriter::viaValue(const HttpHead& head)
{
    QByteArray via =
        QByteArray::number(head.versionMajor) + '.' + QByteArray::number(head.versionMinor);
    via += " switchyard";
    return via;
}

} // namespace Switchyard
