#include "DomainIndex.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace Switchyard {

namespace {

constexpr quint64 fnvOffset = 14695981039346656037ull;
constexpr quint64 fnvPrime = 1099511628211ull;

} // namespace

quint64 DomainIndex::hashBackwards(const char16_t* text, qsizetype length)
{
    quint64 hash = fnvOffset;
    for (qsizetype i = length - 1; i >= 0; --i)
        hash = (hash ^ text[i]) * fnvPrime;
    return hash;
}

quint64 DomainIndex::mix(quint64 hash)
{
    // MurmurHash3's finaliser: FNV's low bits alone make a poor table index.
    hash ^= hash >> 33;
    hash *= 0xff51afd7ed558ccdull;
    hash ^= hash >> 33;
    hash *= 0xc4ceb9fe1a85ec53ull;
    hash ^= hash >> 33;
    return hash;
}

void DomainIndex::reserve(qsizetype size)
{
    const size_t wanted = std::bit_ceil(size_t(std::max<qsizetype>(size, 8)) * 2);
    if (wanted > m_slots.size())
        rehash(wanted);
}

void DomainIndex::rehash(size_t capacity)
{
    std::vector<Slot> old = std::move(m_slots);
    m_slots.assign(capacity, Slot());
    const size_t mask = capacity - 1;
    for (const Slot& slot : old) {
        if (slot.keyLength == 0)
            continue;
        size_t index = mix(slot.hash) & mask;
        while (m_slots[index].keyLength != 0)
            index = (index + 1) & mask;
        m_slots[index] = slot;
    }
}

const DomainIndex::Slot* DomainIndex::find(quint64 hash, const char16_t* key,
                                           qsizetype length) const
{
    const size_t mask = m_slots.size() - 1;
    for (size_t index = mix(hash) & mask;; index = (index + 1) & mask) {
        const Slot& slot = m_slots[index];
        if (slot.keyLength == 0)
            return nullptr;
        if (slot.hash == hash && slot.keyLength == quint32(length) &&
            std::memcmp(m_keys.data() + slot.keyOffset, key, size_t(length) * 2) == 0)
            return &slot;
    }
}

DomainIndex::Slot& DomainIndex::insertSlot(const QString& key)
{
    Q_ASSERT(!key.isEmpty());
    if ((m_count + 1) * 2 > m_slots.size())
        rehash(std::max<size_t>(16, m_slots.size() * 2));
    const char16_t* text = QStringView(key).utf16();
    const quint64 hash = hashBackwards(text, key.size());
    if (const Slot* existing = find(hash, text, key.size()))
        return const_cast<Slot&>(*existing);
    const size_t mask = m_slots.size() - 1;
    size_t index = mix(hash) & mask;
    while (m_slots[index].keyLength != 0)
        index = (index + 1) & mask;
    Slot& slot = m_slots[index];
    slot.hash = hash;
    slot.keyOffset = quint32(m_keys.size());
    slot.keyLength = quint32(key.size());
    m_keys.insert(m_keys.end(), text, text + key.size());
    ++m_count;
    return slot;
}

void DomainIndex::addExact(const QString& host, int ruleIndex)
{
    Slot& slot = insertSlot(host);
    slot.exact = std::min(slot.exact, ruleIndex);
}

void DomainIndex::addDomain(const QString& domain, int ruleIndex)
{
    Slot& slot = insertSlot(domain);
    slot.domain = std::min(slot.domain, ruleIndex);
}

void DomainIndex::finish()
{
    // About 16 bits per name: one probe, ~6% false positives; 100,000 names take
    // 256 KiB, which stays in L2 between lookups.
    const size_t bits = std::bit_ceil(std::max<size_t>(m_count, 4) * 16);
    m_filter.assign(bits / 64, 0);
    m_filterShift = 64 - std::countr_zero(bits);
    for (const Slot& slot : m_slots) {
        if (slot.keyLength == 0)
            continue;
        const quint64 bit = (mix(slot.hash) * 0x9e3779b97f4a7c15ull) >> m_filterShift;
        m_filter[bit / 64] |= quint64(1) << (bit % 64);
    }
}

int DomainIndex::lookup(const QString& host) const
{
    if (m_count == 0 || host.isEmpty())
        return noMatch;
    Q_ASSERT(!m_filter.empty()); // finish() was called
    const char16_t* text = QStringView(host).utf16();
    const qsizetype size = host.size();
    int best = noMatch;
    const auto probe = [&](quint64 hash, const char16_t* key, qsizetype length, bool whole) {
        const quint64 bit = (mix(hash) * 0x9e3779b97f4a7c15ull) >> m_filterShift;
        if (!(m_filter[bit / 64] & (quint64(1) << (bit % 64))))
            return;
        if (const Slot* slot = find(hash, key, length))
            best = std::min({best, slot->domain, whole ? slot->exact : noMatch});
    };
    quint64 hash = fnvOffset;
    for (qsizetype i = size - 1; i >= 0; --i) {
        if (text[i] == u'.' && i + 1 < size)
            probe(hash, text + i + 1, size - i - 1, false); // hash covers text[i+1..]
        hash = (hash ^ text[i]) * fnvPrime;
    }
    probe(hash, text, size, true);
    return best;
}

} // namespace Switchyard
