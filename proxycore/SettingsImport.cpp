#include "SettingsImport.h"

#include <algorithm>

namespace Switchyard {

QStringList SettingsImport::applyTo(SettingsDocument* target, Mode mode,
                                    SettingsCodec::Parts wanted) const
{
    using Part = SettingsCodec::Part;
    const SettingsCodec::Parts taken = wanted & decoded.parts;
    const EngineSettings& incoming = decoded.document.engine;
    EngineSettings& engine = target->engine;
    const SettingsDocument before = *target;

    if (taken.testFlag(Part::Network)) {
        // Exits, rules and hosts are parts of their own; keep them while the
        // network options are replaced.
        EngineSettings network = incoming;
        network.profiles = engine.profiles;
        network.routing = engine.routing;
        network.hostsOverride = engine.hostsOverride;
        // A password read on this machine stays with the user name it belongs to.
        network.inboundAuth.password = engine.inboundAuth.username == incoming.inboundAuth.username
                                           ? engine.inboundAuth.password
                                           : QString();
        engine = network;
    }
    if (taken.testFlag(Part::Ui))
        target->ui = decoded.document.ui;

    if (taken.testFlag(Part::Profiles)) {
        if (mode == Mode::Replace)
            engine.profiles.clear();
        for (UpstreamProfile profile : incoming.profiles) {
            // The keychain entry is keyed by id: a password read for this id applies.
            if (const UpstreamProfile* old = before.profile(profile.id))
                profile.password = old->password;
            auto existing = std::find_if(engine.profiles.begin(), engine.profiles.end(),
                                         [&profile](const UpstreamProfile& candidate) {
                                             return candidate.id == profile.id;
                                         });
            if (existing != engine.profiles.end())
                *existing = profile;
            else
                engine.profiles.append(profile);
        }
    }

    if (taken.testFlag(Part::Routing)) {
        if (mode == Mode::Replace) {
            engine.routing = incoming.routing;
            engine.hostsOverride = incoming.hostsOverride;
        } else {
            engine.routing.rules.append(incoming.routing.rules);
            for (auto it = incoming.hostsOverride.constBegin();
                 it != incoming.hostsOverride.constEnd(); ++it)
                engine.hostsOverride.insert(it.key(), it.value());
        }
    }
    return SettingsDocument::removedProfileIds(before, *target);
}

} // namespace Switchyard
