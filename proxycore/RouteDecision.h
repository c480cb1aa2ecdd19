#pragma once

#include "RouteAction.h"

#include <QString>

namespace Switchyard {

/// The rule engine's answer for one connection, with what is needed to explain it.
struct RouteDecision
{
    /// What to do. Block when the deciding rule (or the default) names a profile
    /// that no longer exists: the engine fails closed, never direct.
    RouteAction action;
    int ruleIndex = -1;  ///< 0-based position of the deciding rule; -1 = the default action
    QString ruleText;    ///< RuleText of the deciding rule, or "default -> <action>"
    QString profileName; ///< the profile's name when routed through one
    QString error;       ///< set when the rule's profile is missing (then action is Block)

    bool isDefault() const { return ruleIndex < 0; }
    /// One line for logs and the UI: "rule #3 domain:example.com -> proxy:Work" or
    /// "default -> direct" (rule numbers in text are 1-based, like the rule table).
    QString describe() const;
};

} // namespace Switchyard
