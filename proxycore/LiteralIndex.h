#pragma once

#include <QHash>
#include <QString>
#include <QVarLengthArray>
#include <limits>
#include <vector>

namespace Switchyard {

/// Finds, among many rules that each need some literal substrings (keywords, the
/// fixed parts of wildcards and regexes), those whose literal occurs in a subject,
/// without testing every rule. Each rule is filed once, under one 3-character
/// substring (trigram) of one of its literals: the trigram fewest rules contain, so
/// that common text ("htt", "www", ".co") leads to short buckets or none. A lookup
/// probes one bucket per trigram of the subject and checks each entry's literal in
/// place; what it returns are candidates, still to be matched in full.
///
/// Lookups stay cheap when most trigrams of a subject have no bucket: a 64 Kibit
/// filter (8 KiB, in L1/L2) answers those without a hash probe, and each entry
/// keeps the four characters after its trigram inline, so a bucket hit rarely has
/// to read a literal's own (cold) text.
class LiteralIndex
{
public:
    static constexpr int minLength = 3; ///< shorter literals cannot be indexed
    static constexpr int noRule = std::numeric_limits<int>::max();
    using Candidates = QVarLengthArray<int, 32>;

    /// Files the rule unless none of its literals has minLength characters; returns
    /// whether it did.
    bool add(const QStringList& literals, int ruleIndex);
    /// Files the added literals; call once after the last add, before any lookup.
    void finish();
    bool isEmpty() const { return m_lowestRule == noRule; }
    int lowestRule() const { return m_lowestRule; }
    /// Appends (unsorted, possibly repeated) every rule below `below` whose literal
    /// occurs in subject.
    void collect(QStringView subject, int below, Candidates* out) const;

private:
    struct Entry
    {
        int ruleIndex;
        int offset;    ///< where the bucket's trigram starts in the literal
        quint64 after; ///< up to four characters following the trigram, packed
        int afterCount;
        QString literal;
    };
    static quint64 trigram(const QChar* at)
    {
        return quint64(at[0].unicode()) << 32 | quint64(at[1].unicode()) << 16 | at[2].unicode();
    }
    static quint64 pack(const QChar* at, int count);
    static int filterBit(quint64 trigram)
    {
        return int((trigram * 0x9e3779b97f4a7c15ull) >> (64 - filterLog2));
    }
    static constexpr int filterLog2 = 16;

    std::vector<std::pair<QStringList, int>> m_pending;
    QHash<quint64, std::vector<Entry>> m_buckets;
    std::vector<quint64> m_filter; ///< one bit per hash of a trigram that has a bucket
    int m_lowestRule = noRule;
};

} // namespace Switchyard
