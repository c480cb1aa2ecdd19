#include "HeaderRewriter.h"

#include <QVarLengthArray>

namespace Switchyard {

namespace {

constexpr QByteArrayView kHopByHop[] = {
    "connection", "proxy-connection",  "keep-alive",          "te",
    "trailer",    "transfer-encoding", "proxy-authorization", "proxy-authenticate",
};

} // namespace

void HeaderRewriter::stripHopByHop(HttpHead& head, const Options& options)
{
    HeaderList& headers = head.headers;
    const qsizetype count = headers.size();
    // Collect the names Connection lists before removing anything, so that a
    // Connection field naming itself or another hop-by-hop field does no harm.
    // The names are views into the fields' values: nothing is removed (or
    // detached) until every decision below has been made.
    QVarLengthArray<QByteArrayView, 8> named;
    for (const HeaderField& field : std::as_const(headers)) {
        if (!equalsIgnoreCase(field.first, "connection") &&
            !equalsIgnoreCase(field.first, "proxy-connection"))
            continue;
        forEachToken(field.second, [&named](QByteArrayView token) {
            // Content-Length frames the body that is forwarded as it came: a
            // Connection field naming it must not strip it, or the body would be
            // read as the next message downstream (request smuggling).
            if (!token.isEmpty() && !equalsIgnoreCase(token, "content-length"))
                named.append(token);
        });
    }
    const auto removed = [&](const QByteArray& name) {
        for (QByteArrayView hop : kHopByHop) {
            if (equalsIgnoreCase(name, hop))
                return true;
        }
        if (equalsIgnoreCase(name, "upgrade"))
            return !options.keepUpgrade;
        for (QByteArrayView listed : named) {
            if (equalsIgnoreCase(name, listed))
                return true;
        }
        return false;
    };
    QVarLengthArray<bool, 32> remove(count);
    qsizetype removals = 0;
    for (qsizetype i = 0; i < count; ++i) {
        remove[i] = removed(headers.at(i).first);
        removals += remove[i] ? 1 : 0;
    }
    if (removals > 0) {
        // Compact in place (the views above are not used any more).
        qsizetype kept = 0;
        for (qsizetype i = 0; i < count; ++i) {
            if (remove[i])
                continue;
            if (kept != i)
                headers[kept] = std::move(headers[i]);
            ++kept;
        }
        headers.resize(kept);
    }
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
