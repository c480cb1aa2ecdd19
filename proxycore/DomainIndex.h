#pragma once

#include <QHash>
#include <QString>

#include <limits>

namespace Switchyard {

/// The fast path of the rule engine: exact-host and domain rules in one hash keyed
/// by host name. A lookup walks the query's suffixes ("a.b.example.com",
/// "b.example.com", "example.com", "com"), one hash probe each, and returns the
/// lowest rule index among the hits, so its cost depends on the number of labels in
/// the host, not on the number of rules.
class DomainIndex
{
public:
    static constexpr int noMatch = std::numeric_limits<int>::max();

    void reserve(qsizetype size) { m_slots.reserve(size); }
    /// Both keep the lowest index when a name is added twice. host is normalised.
    void addExact(const QString& host, int ruleIndex);
    void addDomain(const QString& domain, int ruleIndex);
    /// Lowest index of an exact rule for host or a domain rule for any suffix of it;
    /// noMatch when there is none. host is normalised and not an IP literal.
    int lookup(const QString& host) const;
    bool isEmpty() const { return m_slots.isEmpty(); }

private:
    struct Slot
    {
        int exact = noMatch;
        int domain = noMatch;
    };
    QHash<QString, Slot> m_slots;
};

} // namespace Switchyard
