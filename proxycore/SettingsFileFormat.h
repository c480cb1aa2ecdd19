#pragma once

#include "SettingsDocument.h"

#include <QString>
#include <QStringView>
#include <iterator>

/// The words and ranges of the settings file that writing (SettingsCodec) and
/// reading (SettingsDocumentReader) share. They are part of the file format:
/// renaming an enumerator in the code must never change them.
namespace Switchyard::SettingsFileFormat {

inline constexpr QStringView settingsFormat = u"switchyard-settings";
inline constexpr QStringView exportFormat = u"switchyard-export";

template <typename E> struct NamedValue
{
    E value;
    QStringView name;
};

// The same words as the rules' text form (RuleText), spelled out here because
// they are part of the file format and must never change with it.
inline constexpr NamedValue<Rule::Matcher> matcherNames[] = {
    {Rule::Matcher::ExactHost, u"host"},       {Rule::Matcher::Domain, u"domain"},
    {Rule::Matcher::Wildcard, u"wildcard"},    {Rule::Matcher::Keyword, u"keyword"},
    {Rule::Matcher::HostRegex, u"host-regex"}, {Rule::Matcher::UrlRegex, u"url-regex"},
    {Rule::Matcher::IpCidr, u"cidr"},          {Rule::Matcher::Port, u"port"},
};

inline constexpr NamedValue<UpstreamProfile::Type> profileTypeNames[] = {
    {UpstreamProfile::Type::Http, u"http"},
    {UpstreamProfile::Type::Https, u"https"},
    {UpstreamProfile::Type::Socks5, u"socks5"},
    {UpstreamProfile::Type::Socks4a, u"socks4a"},
};

inline constexpr NamedValue<RouteAction::Kind> actionKindNames[] = {
    {RouteAction::Kind::Direct, u"direct"},
    {RouteAction::Kind::Profile, u"profile"},
    {RouteAction::Kind::Block, u"block"},
};

inline constexpr NamedValue<UiPreferences::SystemProxyMode> systemProxyModeNames[] = {
    {UiPreferences::SystemProxyMode::Manual, u"manual"},
    {UiPreferences::SystemProxyMode::Pac, u"pac"},
};

template <typename E, std::size_t N> QString nameOf(const NamedValue<E> (&table)[N], E value)
{
    for (const NamedValue<E>& entry : table) {
        if (entry.value == value)
            return entry.name.toString();
    }
    return {};
}

struct LimitField
{
    QStringView key;
    int ProxyLimits::*member;
    int min;
    int max;
};

inline constexpr int oneDayMs = 24 * 60 * 60 * 1000;
inline constexpr int mebibyte = 1024 * 1024;

// The ranges keep a hand-edited file from starving or crippling the engine; the
// defaults in ProxyLimits sit well inside them.
inline constexpr LimitField limitFields[] = {
    {u"maxHeadBytes", &ProxyLimits::maxHeadBytes, 256, 64 * mebibyte},
    {u"maxUriBytes", &ProxyLimits::maxUriBytes, 16, 64 * mebibyte},
    {u"maxHeaderFields", &ProxyLimits::maxHeaderFields, 1, 100'000},
    {u"headTimeoutMs", &ProxyLimits::headTimeoutMs, 1, oneDayMs},
    {u"idleTimeoutMs", &ProxyLimits::idleTimeoutMs, 1, oneDayMs},
    {u"connectTimeoutMs", &ProxyLimits::connectTimeoutMs, 1, oneDayMs},
    {u"responseTimeoutMs", &ProxyLimits::responseTimeoutMs, 1, oneDayMs},
    {u"maxClientConnections", &ProxyLimits::maxClientConnections, 1, 1'000'000},
    {u"bufferBytes", &ProxyLimits::bufferBytes, 1024, 1024 * mebibyte},
    {u"originIdleTimeoutMs", &ProxyLimits::originIdleTimeoutMs, 1, oneDayMs},
    {u"maxIdleOriginConnections", &ProxyLimits::maxIdleOriginConnections, 0, 1'000'000},
};
static_assert(std::size(limitFields) == sizeof(ProxyLimits) / sizeof(int));

} // namespace Switchyard::SettingsFileFormat
