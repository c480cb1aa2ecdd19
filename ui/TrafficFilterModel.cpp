#include "TrafficFilterModel.h"

#include "TrafficModel.h"

#include <algorithm>

namespace Switchyard {

namespace {

bool statusMatches(int status, TrafficFilterModel::StatusClass statusClass)
{
    switch (statusClass) {
    case TrafficFilterModel::StatusClass::Any:
        return true;
    case TrafficFilterModel::StatusClass::None:
        return status <= 0;
    case TrafficFilterModel::StatusClass::Informational:
        return status >= 100 && status < 200;
    case TrafficFilterModel::StatusClass::Success:
        return status >= 200 && status < 300;
    case TrafficFilterModel::StatusClass::Redirection:
        return status >= 300 && status < 400;
    case TrafficFilterModel::StatusClass::ClientError:
        return status >= 400 && status < 500;
    case TrafficFilterModel::StatusClass::ServerError:
        return status >= 500 && status < 600;
    }
    return true;
}

char16_t asciiLower(char16_t c)
{
    return c >= u'A' && c <= u'Z' ? char16_t(c + (u'a' - u'A')) : c;
}

// Case-insensitive search for a lower-case ASCII needle: several times faster
// than full Unicode case folding, and filtering runs it 100,000 times in a row.
bool containsAscii(QStringView haystack, QStringView needle)
{
    const qsizetype n = needle.size();
    const char16_t* h = haystack.utf16();
    const char16_t* k = needle.utf16();
    for (qsizetype i = 0; i + n <= haystack.size(); ++i) {
        if (asciiLower(h[i]) != k[0])
            continue;
        qsizetype j = 1;
        while (j < n && asciiLower(h[i + j]) == k[j])
            ++j;
        if (j == n)
            return true;
    }
    return false;
}

} // namespace

TrafficFilterModel::TrafficFilterModel(QObject* parent) : QSortFilterProxyModel(parent)
{
    // Rows updated in place are filtered again: an errors-only view picks up an
    // exchange the moment it fails.
    setDynamicSortFilter(true);
}

void TrafficFilterModel::refilter()
{
    // Not invalidateRowsFilter(): that removes and inserts every run of rows that
    // changed one run at a time, and a filter such as "errors only" over 100,000
    // rows changes thousands of scattered runs (seconds of work for the view).
    // Rebuilding the mapping in one layout change costs one pass over the rows.
    invalidate();
}

void TrafficFilterModel::setText(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_text)
        return;
    m_text = trimmed;
    m_matcher.setPattern(m_text);
    m_matcher.setCaseSensitivity(Qt::CaseInsensitive);
    const bool ascii =
        std::all_of(m_text.cbegin(), m_text.cend(), [](QChar c) { return c.unicode() < 0x80; });
    m_asciiNeedle = ascii ? m_text.toLower() : QString();
    m_textCanBeMethod = !m_text.isEmpty() && m_text.size() <= 16 &&
                        std::all_of(m_text.cbegin(), m_text.cend(),
                                    [](QChar c) { return c.isLetter() && c.unicode() < 0x80; });
    refilter();
}

void TrafficFilterModel::setErrorsOnly(bool errorsOnly)
{
    if (errorsOnly == m_errorsOnly)
        return;
    m_errorsOnly = errorsOnly;
    refilter();
}

void TrafficFilterModel::setBlockedOnly(bool blockedOnly)
{
    if (blockedOnly == m_blockedOnly)
        return;
    m_blockedOnly = blockedOnly;
    refilter();
}

void TrafficFilterModel::setRoute(const QString& route)
{
    if (route == m_route)
        return;
    m_route = route;
    refilter();
}

void TrafficFilterModel::setProtocol(std::optional<LogProtocol> protocol)
{
    if (protocol == m_protocol)
        return;
    m_protocol = protocol;
    refilter();
}

void TrafficFilterModel::setStatusClass(StatusClass statusClass)
{
    if (statusClass == m_statusClass)
        return;
    m_statusClass = statusClass;
    refilter();
}

bool TrafficFilterModel::isFiltering() const
{
    return !m_text.isEmpty() || m_errorsOnly || m_blockedOnly || !m_route.isEmpty() ||
           m_protocol.has_value() || m_statusClass != StatusClass::Any;
}

bool TrafficFilterModel::matchesText(const QString& haystack) const
{
    if (!m_asciiNeedle.isEmpty())
        return containsAscii(haystack, m_asciiNeedle);
    return m_matcher.indexIn(haystack) >= 0;
}

bool TrafficFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QAbstractItemModel* source = sourceModel();
    const QModelIndex index = source->index(sourceRow, 0, sourceParent);
    // Cheap boolean and integer checks first; text search last.
    if (m_errorsOnly && !index.data(TrafficModel::FailedRole).toBool())
        return false;
    if (m_blockedOnly && !index.data(TrafficModel::BlockedRole).toBool())
        return false;
    if (m_protocol && index.data(TrafficModel::ProtocolRole).toInt() != int(*m_protocol))
        return false;
    if (m_statusClass != StatusClass::Any &&
        !statusMatches(index.data(TrafficModel::StatusRole).toInt(), m_statusClass))
        return false;
    if (!m_route.isEmpty() && index.data(TrafficModel::RouteRole).toString() != m_route)
        return false;
    if (m_text.isEmpty())
        return true;
    // The URL (or host:port) names the host already; only a row without one
    // needs its host searched. Methods are short words of letters.
    const QString url = index.data(TrafficModel::UrlRole).toString();
    if (matchesText(url))
        return true;
    if (m_textCanBeMethod && matchesText(index.data(TrafficModel::MethodRole).toString()))
        return true;
    return url.isEmpty() && matchesText(index.data(TrafficModel::HostRole).toString());
}

} // namespace Switchyard
