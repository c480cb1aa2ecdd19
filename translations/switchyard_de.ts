<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>AtomicFileWriter</name>
    <message>
        <source>cannot write %1: it is a folder</source>
        <translation>%1 kann nicht geschrieben werden: Es ist ein Ordner</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>cannot restrict the permissions of %1: %2</source>
        <translation>Die Zugriffsrechte von %1 können nicht eingeschränkt werden: %2</translation>
    </message>
    <message>
        <source>cannot write %1: %2 (%3 of %4 bytes written)</source>
        <translation>%1 kann nicht geschrieben werden: %2 (%3 von %4 Bytes geschrieben)</translation>
    </message>
</context>
<context>
    <name>AutostartEntry</name>
    <message>
        <source>cannot change the Windows Run key %1</source>
        <translation>Der Windows-Run-Schlüssel %1 kann nicht geändert werden</translation>
    </message>
    <message>
        <source>starting at login through the Windows Run key works on Windows only</source>
        <translation>Der Start bei der Anmeldung über den Windows-Run-Schlüssel funktioniert nur unter Windows</translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation>Der Ordner %1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>cannot remove %1: %2</source>
        <translation>%1 kann nicht entfernt werden: %2</translation>
    </message>
</context>
<context>
    <name>BodyDecoder</name>
    <message>
        <source>zlib could not start</source>
        <translation>zlib konnte nicht gestartet werden</translation>
    </message>
    <message>
        <source>decoded body larger than %1 bytes</source>
        <translation>Dekodierter Inhalt ist größer als %1 Bytes</translation>
    </message>
    <message>
        <source>no compressed data</source>
        <translation>Keine komprimierten Daten</translation>
    </message>
    <message>
        <source>compressed data ends early</source>
        <translation>Komprimierte Daten enden vorzeitig</translation>
    </message>
    <message>
        <source>compressed data is damaged after %1 bytes</source>
        <translation>Komprimierte Daten sind nach %1 Bytes beschädigt</translation>
    </message>
    <message>
        <source>not valid compressed data</source>
        <translation>Keine gültigen komprimierten Daten</translation>
    </message>
    <message>
        <source>the %1 content coding is not decoded</source>
        <translation>Die Inhaltskodierung %1 wird nicht dekodiert</translation>
    </message>
    <message>
        <source>brotli could not start</source>
        <translation>brotli konnte nicht gestartet werden</translation>
    </message>
    <message>
        <source>not valid brotli data (%1)</source>
        <translation>Keine gültigen Brotli-Daten (%1)</translation>
    </message>
</context>
<context>
    <name>BodyFormatter</name>
    <message>
        <source>Decoded from %1: %2 sent, %3 decoded</source>
        <translation>Aus %1 dekodiert: %2 gesendet, %3 dekodiert</translation>
    </message>
    <message>
        <source>Decoded from %1 as far as it goes: %2</source>
        <translation>Aus %1 dekodiert, soweit möglich: %2</translation>
    </message>
    <message>
        <source>Shown as sent (%1)</source>
        <translation>Wie gesendet angezeigt (%1)</translation>
    </message>
    <message>
        <source>Only the first %1 of the body were captured</source>
        <translation>Nur die ersten %1 des Inhalts wurden mitgeschnitten</translation>
    </message>
    <message>
        <source>%1 × %2 pixels, %3</source>
        <translation>%1 × %2 Pixel, %3</translation>
    </message>
    <message>
        <source>Text cut after %1 characters</source>
        <translation>Text nach %1 Zeichen abgeschnitten</translation>
    </message>
    <message>
        <source>Binary, %1</source>
        <translation>Binär, %1</translation>
    </message>
    <message>
        <source>Hex dump of the first %1</source>
        <translation>Hexdump der ersten %1</translation>
    </message>
</context>
<context>
    <name>CommandLine</name>
    <message>
        <source>Run without a window: proxy and log to the terminal until SIGINT or SIGTERM.</source>
        <translation>Ohne Fenster laufen: als Proxy arbeiten und ins Terminal protokollieren, bis SIGINT oder SIGTERM eintrifft.</translation>
    </message>
    <message>
        <source>Listen on &lt;address&gt;: host:port, [IPv6]:port or port (default %1).</source>
        <translation>Auf &lt;Adresse&gt; lauschen: host:port, [IPv6]:port oder port (Standard: %1).</translation>
    </message>
    <message>
        <source>address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Headless: append one line per finished request to &lt;file&gt; (default: standard error).</source>
        <translation>Nur mit --headless: pro abgeschlossener Anfrage eine Zeile an &lt;Datei&gt; anhängen (Standard: Standardfehlerausgabe).</translation>
    </message>
    <message>
        <source>file</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Headless: record every finished exchange with its headers and bodies, and write them as HAR 1.2 to &lt;file&gt; when stopped by SIGINT or SIGTERM. Authorization, Proxy-Authorization, Cookie and Set-Cookie values are masked.</source>
        <translation>Nur mit --headless: jeden abgeschlossenen Vorgang mit Headern und Inhalten aufzeichnen und beim Beenden durch SIGINT oder SIGTERM als HAR 1.2 in &lt;Datei&gt; schreiben. Die Werte von Authorization, Proxy-Authorization, Cookie und Set-Cookie werden maskiert.</translation>
    </message>
    <message>
        <source>With --har: keep the values of Authorization, Proxy-Authorization, Cookie and Set-Cookie in the file instead of masking them.</source>
        <translation>Mit --har: die Werte von Authorization, Proxy-Authorization, Cookie und Set-Cookie unmaskiert in der Datei belassen.</translation>
    </message>
    <message>
        <source>Add a Via header to forwarded requests.</source>
        <translation>Weitergeleiteten Anfragen einen Via-Header hinzufügen.</translation>
    </message>
    <message>
        <source>Give up opening an outbound connection after &lt;ms&gt; milliseconds (default %1).</source>
        <translation>Den Aufbau einer ausgehenden Verbindung nach &lt;ms&gt; Millisekunden aufgeben (Standard: %1).</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>Serve at most &lt;n&gt; client connections at once (default %1).</source>
        <translation>Höchstens &lt;n&gt; Client-Verbindungen gleichzeitig bedienen (Standard: %1).</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>Send all traffic through the exit &lt;uri&gt;: http://, https://, socks5://, socks5h:// (names resolved by the exit) or socks4a://, with optional user:password@. Traffic never falls back to direct if the exit fails.</source>
        <translation>Den gesamten Datenverkehr über den Ausgang &lt;URI&gt; senden: http://, https://, socks5://, socks5h:// (Namen löst der Ausgang auf) oder socks4a://, optional mit user:password@. Fällt der Ausgang aus, wird der Datenverkehr nie direkt gesendet.</translation>
    </message>
    <message>
        <source>uri</source>
        <translation>URI</translation>
    </message>
    <message>
        <source>Fetch the --check-url through the exit &lt;uri&gt;, print the status and latency, and exit (0 when it works).</source>
        <translation>Die --check-url über den Ausgang &lt;URI&gt; abrufen, Status und Latenz ausgeben und beenden (0, wenn es funktioniert).</translation>
    </message>
    <message>
        <source>The URL --check-profile fetches (default %1).</source>
        <translation>Die URL, die --check-profile abruft (Standard: %1).</translation>
    </message>
    <message>
        <source>url</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Read the settings from &lt;file&gt; instead of %1. Headless runs read it and never write it; options given here override it for this run only.</source>
        <translation>Die Einstellungen aus &lt;Datei&gt; statt aus %1 lesen. Läufe mit --headless lesen sie, schreiben sie aber nie; hier angegebene Optionen haben nur für diesen Lauf Vorrang.</translation>
    </message>
    <message>
        <source>Store the password of the exit &lt;profile&gt; (its id or name) in the system keychain, read without echo from the terminal or from standard input, and exit.</source>
        <translation>Das Passwort des Ausgangs &lt;Profil&gt; (ID oder Name) im Schlüsselbund des Systems speichern – ohne Echo vom Terminal oder von der Standardeingabe gelesen – und beenden.</translation>
    </message>
    <message>
        <source>profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <source>Print which rule decides &lt;target&gt; (a URL, or host:port for tunnels) and where it goes, using the settings file and the options given, and exit.</source>
        <translation>Anhand der Einstellungsdatei und der angegebenen Optionen ausgeben, welche Regel über &lt;Ziel&gt; (eine URL oder host:port bei Tunneln) entscheidet und wohin es geht, und beenden.</translation>
    </message>
    <message>
        <source>target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Headless: point the desktop&apos;s proxy settings (GNOME, KDE, Windows, macOS) at Switchyard once it listens, and put them back exactly as they were on exit, SIGINT or SIGTERM.</source>
        <translation>Nur mit --headless: die Proxy-Einstellungen des Desktops (GNOME, KDE, Windows, macOS) auf Switchyard richten, sobald es lauscht, und sie beim Beenden, bei SIGINT oder SIGTERM genau wiederherstellen.</translation>
    </message>
    <message>
        <source>Put back the desktop&apos;s proxy settings saved by a Switchyard that stopped while the system proxy pointed at it, and exit (0 restored, 2 nothing to restore, 1 failed).</source>
        <translation>Die Proxy-Einstellungen des Desktops wiederherstellen, die ein Switchyard gesichert hat, das beendet wurde, während der Systemproxy auf es zeigte, und beenden (0 wiederhergestellt, 2 nichts wiederherzustellen, 1 fehlgeschlagen).</translation>
    </message>
    <message>
        <source>Show this help and exit.</source>
        <translation>Diese Hilfe anzeigen und beenden.</translation>
    </message>
    <message>
        <source>Show the version and exit.</source>
        <translation>Die Version anzeigen und beenden.</translation>
    </message>
    <message>
        <source>Switchyard: a local HTTP proxy that shows every request passing through it.</source>
        <translation>Switchyard: ein lokaler HTTP-Proxy, der jede durchlaufende Anfrage anzeigt.</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos;</source>
        <translation>Unerwartetes Argument &apos;%1&apos;</translation>
    </message>
    <message>
        <source>--config needs a file name</source>
        <translation>--config braucht einen Dateinamen</translation>
    </message>
    <message>
        <source>--restore-system-proxy takes no option but --config (not --%1)</source>
        <translation>--restore-system-proxy akzeptiert nur die Option --config (nicht --%1)</translation>
    </message>
    <message>
        <source>--set-password needs the id or name of an exit</source>
        <translation>--set-password braucht die ID oder den Namen eines Ausgangs</translation>
    </message>
    <message>
        <source>--set-password takes no option but --config (not --%1)</source>
        <translation>--set-password akzeptiert nur die Option --config (nicht --%1)</translation>
    </message>
    <message>
        <source>--system-proxy is for headless runs (add --headless); the window has its own System proxy switch</source>
        <translation>--system-proxy ist für Läufe ohne Fenster (--headless hinzufügen); das Fenster hat einen eigenen Schalter für den Systemproxy</translation>
    </message>
    <message>
        <source>--log needs a file name</source>
        <translation>--log braucht einen Dateinamen</translation>
    </message>
    <message>
        <source>--har needs a file name</source>
        <translation>--har braucht einen Dateinamen</translation>
    </message>
    <message>
        <source>--har records headless runs only: add --headless</source>
        <translation>--har zeichnet nur Läufe ohne Fenster auf: --headless hinzufügen</translation>
    </message>
    <message>
        <source>--har-unmasked needs --har</source>
        <translation>--har-unmasked braucht --har</translation>
    </message>
    <message>
        <source>--check-profile: %1</source>
        <translation>--check-profile: %1</translation>
    </message>
    <message>
        <source>--upstream: %1</source>
        <translation>--upstream: %1</translation>
    </message>
    <message>
        <source>--%1 needs a positive whole number, not &apos;%2&apos;</source>
        <translation>--%1 braucht eine positive ganze Zahl, nicht &apos;%2&apos;</translation>
    </message>
    <message>
        <source>Start with the window hidden in the tray (as at login), when the desktop has a tray.</source>
        <translation>Mit im Infobereich verborgenem Fenster starten (wie bei der Anmeldung), sofern der Desktop einen Infobereich hat.</translation>
    </message>
    <message>
        <source>--hidden is for the window; a headless run has none</source>
        <translation>--hidden gilt für das Fenster; ein Lauf mit --headless hat keins</translation>
    </message>
</context>
<context>
    <name>CurlCommand</name>
    <message>
        <source># the body above is cut: the capture kept only its start</source>
        <translation># Der Inhalt oben ist gekürzt: Der Mitschnitt enthält nur seinen Anfang</translation>
    </message>
</context>
<context>
    <name>GnomeProxyBackend</name>
    <message>
        <source>GNOME (gsettings)</source>
        <translation>GNOME (gsettings)</translation>
    </message>
    <message>
        <source>gsettings is not installed</source>
        <translation>gsettings ist nicht installiert</translation>
    </message>
    <message>
        <source>the GSettings schema %1 is not installed (package gsettings-desktop-schemas)</source>
        <translation>Das GSettings-Schema %1 ist nicht installiert (Paket gsettings-desktop-schemas)</translation>
    </message>
    <message>
        <source>cannot read the GNOME proxy settings: %1</source>
        <translation>Die GNOME-Proxy-Einstellungen können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>cannot read the GNOME proxy settings: gsettings did not list %1</source>
        <translation>Die GNOME-Proxy-Einstellungen können nicht gelesen werden: gsettings hat %1 nicht aufgeführt</translation>
    </message>
    <message>
        <source>cannot change the GNOME proxy setting %1: %2</source>
        <translation>Die GNOME-Proxy-Einstellung %1 kann nicht geändert werden: %2</translation>
    </message>
    <message>
        <source>the GNOME proxy settings did not change (%1 is %2, not %3): without a D-Bus session bus gsettings cannot save</source>
        <translation>Die GNOME-Proxy-Einstellungen haben sich nicht geändert (%1 ist %2, nicht %3): Ohne D-Bus-Sitzungsbus kann gsettings nicht speichern</translation>
    </message>
    <message>
        <source>the GNOME proxy settings were not restored (%1 is %2, not %3): without a D-Bus session bus gsettings cannot save</source>
        <translation>Die GNOME-Proxy-Einstellungen wurden nicht wiederhergestellt (%1 ist %2, nicht %3): Ohne D-Bus-Sitzungsbus kann gsettings nicht speichern</translation>
    </message>
    <message>
        <source>the saved GNOME proxy settings are damaged (%1 is missing)</source>
        <translation>Die gesicherten GNOME-Proxy-Einstellungen sind beschädigt (%1 fehlt)</translation>
    </message>
</context>
<context>
    <name>HarReader</name>
    <message>
        <source>not valid JSON at byte %1: %2</source>
        <translation>Kein gültiges JSON bei Byte %1: %2</translation>
    </message>
    <message>
        <source>not a HAR file: no log.entries</source>
        <translation>Keine HAR-Datei: log.entries fehlt</translation>
    </message>
    <message>
        <source>entry %1 skipped: it has no request</source>
        <translation>Eintrag %1 übersprungen: Er enthält keine Anfrage</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>%1 is larger than %2 MiB</source>
        <translation>%1 ist größer als %2 MiB</translation>
    </message>
</context>
<context>
    <name>HarWriter</name>
    <message>
        <source>write failed</source>
        <translation>Schreiben fehlgeschlagen</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>cannot save %1: %2</source>
        <translation>%1 kann nicht gespeichert werden: %2</translation>
    </message>
</context>
<context>
    <name>JsonFieldReader</name>
    <message>
        <source>missing</source>
        <translation>fehlt</translation>
    </message>
    <message>
        <source>must be %1, not %2</source>
        <translation>muss %1 sein, nicht %2</translation>
    </message>
    <message>
        <source>true or false</source>
        <translation>true oder false</translation>
    </message>
    <message>
        <source>a whole number</source>
        <translation>eine ganze Zahl</translation>
    </message>
    <message>
        <source>must be a whole number from %1 to %2, not %3</source>
        <translation>muss eine ganze Zahl von %1 bis %2 sein, nicht %3</translation>
    </message>
    <message>
        <source>a string</source>
        <translation>eine Zeichenkette</translation>
    </message>
    <message>
        <source>must not be empty</source>
        <translation>darf nicht leer sein</translation>
    </message>
    <message>
        <source>is not valid base64</source>
        <translation>ist kein gültiges Base64</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>ein Objekt</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>eine Liste</translation>
    </message>
    <message>
        <source>unknown setting, ignored (it will be dropped when the settings are next saved)</source>
        <translation>Unbekannte Einstellung, ignoriert (sie wird beim nächsten Speichern der Einstellungen entfernt)</translation>
    </message>
    <message>
        <source>null</source>
        <translation>null</translation>
    </message>
    <message>
        <source>true</source>
        <translation>true</translation>
    </message>
    <message>
        <source>false</source>
        <translation>false</translation>
    </message>
    <message>
        <source>the number %1</source>
        <translation>die Zahl %1</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>nichts</translation>
    </message>
</context>
<context>
    <name>KdeProxyBackend</name>
    <message>
        <source>KDE (kioslaverc)</source>
        <translation>KDE (kioslaverc)</translation>
    </message>
    <message>
        <source>kwriteconfig6/kreadconfig6 or kwriteconfig5/kreadconfig5 are not installed</source>
        <translation>kwriteconfig6/kreadconfig6 bzw. kwriteconfig5/kreadconfig5 sind nicht installiert</translation>
    </message>
    <message>
        <source>cannot read the KDE proxy setting %1: %2</source>
        <translation>Die KDE-Proxy-Einstellung %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>cannot change the KDE proxy setting %1: %2</source>
        <translation>Die KDE-Proxy-Einstellung %1 kann nicht geändert werden: %2</translation>
    </message>
    <message>
        <source>the KDE proxy setting %1 did not change (is kioslaverc writable?)</source>
        <translation>Die KDE-Proxy-Einstellung %1 hat sich nicht geändert (ist kioslaverc beschreibbar?)</translation>
    </message>
    <message>
        <source>the saved KDE proxy settings are damaged (%1 is missing)</source>
        <translation>Die gesicherten KDE-Proxy-Einstellungen sind beschädigt (%1 fehlt)</translation>
    </message>
</context>
<context>
    <name>MacNetworkSetup</name>
    <message>
        <source>unexpected answer from networksetup: %1</source>
        <translation>Unerwartete Antwort von networksetup: %1</translation>
    </message>
    <message>
        <source>the saved macOS proxy settings are damaged (no services)</source>
        <translation>Die gesicherten macOS-Proxy-Einstellungen sind beschädigt (keine Dienste)</translation>
    </message>
    <message>
        <source>the saved macOS proxy settings are damaged</source>
        <translation>Die gesicherten macOS-Proxy-Einstellungen sind beschädigt</translation>
    </message>
</context>
<context>
    <name>MacProxyBackend</name>
    <message>
        <source>macOS (networksetup)</source>
        <translation>macOS (networksetup)</translation>
    </message>
    <message>
        <source>%1 is missing</source>
        <translation>%1 fehlt</translation>
    </message>
    <message>
        <source>networksetup exists only on macOS</source>
        <translation>networksetup gibt es nur unter macOS</translation>
    </message>
    <message>
        <source>networksetup %1 failed: %2</source>
        <translation>networksetup %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>macOS lists no network service to set a proxy on</source>
        <translation>macOS führt keinen Netzwerkdienst auf, für den ein Proxy eingestellt werden kann</translation>
    </message>
    <message>
        <source>the macOS proxy settings did not change (is an administrator needed?)</source>
        <translation>Die macOS-Proxy-Einstellungen haben sich nicht geändert (sind Administratorrechte nötig?)</translation>
    </message>
</context>
<context>
    <name>PasswordPrompt</name>
    <message>
        <source>cannot read standard input: %1</source>
        <translation>Die Standardeingabe kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>the password is longer than %1 bytes</source>
        <translation>Das Passwort ist länger als %1 Bytes</translation>
    </message>
    <message>
        <source>cannot turn off echo on the terminal, so the password is not read from it; pipe it in instead</source>
        <translation>Das Echo im Terminal lässt sich nicht abschalten, daher wird das Passwort dort nicht gelesen; übergeben Sie es stattdessen über eine Pipe</translation>
    </message>
    <message>
        <source>no password was given; nothing was stored</source>
        <translation>Kein Passwort eingegeben; nichts wurde gespeichert</translation>
    </message>
    <message>
        <source>Repeat the password: </source>
        <translation>Passwort wiederholen: </translation>
    </message>
    <message>
        <source>the two passwords differ; nothing was stored</source>
        <translation>Die beiden Passwörter stimmen nicht überein; nichts wurde gespeichert</translation>
    </message>
    <message>
        <source>the password is not valid UTF-8 text</source>
        <translation>Das Passwort ist kein gültiger UTF-8-Text</translation>
    </message>
    <message>
        <source>no password on standard input; nothing was stored</source>
        <translation>Kein Passwort auf der Standardeingabe; nichts wurde gespeichert</translation>
    </message>
</context>
<context>
    <name>RuleMatcherNames</name>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domain</translation>
    </message>
    <message>
        <source>Wildcard</source>
        <translation>Platzhalter</translation>
    </message>
    <message>
        <source>Keyword</source>
        <translation>Stichwort</translation>
    </message>
    <message>
        <source>Host regex</source>
        <translation>Host-Regex</translation>
    </message>
    <message>
        <source>URL regex</source>
        <translation>URL-Regex</translation>
    </message>
    <message>
        <source>IP range (CIDR)</source>
        <translation>IP-Bereich (CIDR)</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>Exactly this host name.</source>
        <translation>Genau dieser Hostname.</translation>
    </message>
    <message>
        <source>The domain and every subdomain of it.</source>
        <translation>Die Domain und alle ihre Subdomains.</translation>
    </message>
    <message>
        <source>A host name pattern: * is any text, ? one character.</source>
        <translation>Ein Hostnamen-Muster: * steht für beliebigen Text, ? für ein Zeichen.</translation>
    </message>
    <message>
        <source>Host names containing this text.</source>
        <translation>Hostnamen, die diesen Text enthalten.</translation>
    </message>
    <message>
        <source>A regular expression on the host name (case does not matter).</source>
        <translation>Ein regulärer Ausdruck für den Hostnamen (Groß-/Kleinschreibung egal).</translation>
    </message>
    <message>
        <source>A regular expression on the URL of plain HTTP requests, or on host:port for HTTPS and other tunnels.</source>
        <translation>Ein regulärer Ausdruck für die URL einfacher HTTP-Anfragen bzw. für host:port bei HTTPS und anderen Tunneln.</translation>
    </message>
    <message>
        <source>Destinations given as an IP address within this range (IPv4 or IPv6).</source>
        <translation>Als IP-Adresse angegebene Ziele in diesem Bereich (IPv4 oder IPv6).</translation>
    </message>
    <message>
        <source>The destination port, or a range of ports.</source>
        <translation>Der Zielport oder ein Portbereich.</translation>
    </message>
</context>
<context>
    <name>SecretResult</name>
    <message>
        <source>No password is stored in the system keychain for %1.</source>
        <translation>Für %1 ist kein Passwort im Schlüsselbund des Systems gespeichert.</translation>
    </message>
    <message>
        <source>No system keychain is available (%1). Switchyard keeps passwords only in the system keychain (a Secret Service such as GNOME Keyring, KWallet or KeePassXC); start one, or keep the password in memory for this run only.</source>
        <translation>Kein Schlüsselbund des Systems verfügbar (%1). Switchyard bewahrt Passwörter nur im Schlüsselbund des Systems auf (einem Secret Service wie GNOME Keyring, KWallet oder KeePassXC); starten Sie einen oder behalten Sie das Passwort nur für diesen Lauf im Speicher.</translation>
    </message>
    <message>
        <source>The system keychain refused access (%1): it is probably locked and unlocking was declined.</source>
        <translation>Der Schlüsselbund des Systems hat den Zugriff verweigert (%1): Er ist vermutlich gesperrt und das Entsperren wurde abgelehnt.</translation>
    </message>
    <message>
        <source>The system keychain reported an error: %1</source>
        <translation>Der Schlüsselbund des Systems meldet einen Fehler: %1</translation>
    </message>
</context>
<context>
    <name>SettingsCodec</name>
    <message>
        <source>unknown value &quot;%1&quot;; this version of Switchyard knows %2</source>
        <translation>Unbekannter Wert &quot;%1&quot;; diese Switchyard-Version kennt %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; contains spaces or control characters</source>
        <translation>&quot;%1&quot; enthält Leerzeichen oder Steuerzeichen</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a host name or IP address</source>
        <translation>&quot;%1&quot; ist kein Hostname und keine IP-Adresse</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a Switchyard settings or export file</source>
        <translation>&quot;%1&quot; ist keine Einstellungs- oder Exportdatei von Switchyard</translation>
    </message>
    <message>
        <source>a password in plain text: Switchyard keeps passwords only in the system keychain, and drops this one from the file when the settings are next saved</source>
        <translation>Ein Passwort im Klartext: Switchyard bewahrt Passwörter nur im Schlüsselbund des Systems auf und entfernt dieses beim nächsten Speichern der Einstellungen aus der Datei</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an IP address (or &quot;any&quot;)</source>
        <translation>&quot;%1&quot; ist keine IP-Adresse (und nicht &quot;any&quot;)</translation>
    </message>
    <message>
        <source>must be a port from 1 to 65535, not %1</source>
        <translation>muss ein Port von 1 bis 65535 sein, nicht %1</translation>
    </message>
    <message>
        <source>is longer than 255 bytes, the most SOCKS5 can carry</source>
        <translation>ist länger als 255 Bytes, das Maximum für SOCKS5</translation>
    </message>
    <message>
        <source>is needed when inbound authentication is required</source>
        <translation>wird benötigt, wenn eine Client-Anmeldung verlangt ist</translation>
    </message>
    <message>
        <source>must be an object, not %1</source>
        <translation>muss ein Objekt sein, nicht %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid id: up to 128 letters, digits, &apos;.&apos;, &apos;_&apos;, &apos;~&apos; or &apos;-&apos;</source>
        <translation>&quot;%1&quot; ist keine gültige ID: bis zu 128 Buchstaben, Ziffern, &apos;.&apos;, &apos;_&apos;, &apos;~&apos; oder &apos;-&apos;</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is the id of another exit too; ids must be unique</source>
        <translation>&quot;%1&quot; ist auch die ID eines anderen Ausgangs; IDs müssen eindeutig sein</translation>
    </message>
    <message>
        <source>%1 has the same name; name them apart, or use ids where an exit is asked for</source>
        <translation>%1 hat denselben Namen; benennen Sie die Ausgänge unterschiedlich oder verwenden Sie IDs, wo ein Ausgang verlangt wird</translation>
    </message>
    <message>
        <source>no exit has the id &quot;%1&quot;; connections sent there are blocked until one does</source>
        <translation>Kein Ausgang hat die ID &quot;%1&quot;; dorthin gesendete Verbindungen werden blockiert, bis es einen gibt</translation>
    </message>
    <message>
        <source>%1; the rule never matches until it is fixed</source>
        <translation>%1; die Regel greift nie, bis das behoben ist</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a host name</source>
        <translation>&quot;%1&quot; ist kein Hostname</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is listed twice (names are not case-sensitive)</source>
        <translation>&quot;%1&quot; ist doppelt aufgeführt (bei Namen zählt Groß-/Kleinschreibung nicht)</translation>
    </message>
    <message>
        <source>must be an IP address or a list of them, not %1</source>
        <translation>muss eine IP-Adresse oder eine Liste davon sein, nicht %1</translation>
    </message>
    <message>
        <source>%1 is not an IP address</source>
        <translation>%1 ist keine IP-Adresse</translation>
    </message>
    <message>
        <source>names no address</source>
        <translation>nennt keine Adresse</translation>
    </message>
    <message>
        <source>must be a width in pixels from 0 to %1, not %2</source>
        <translation>muss eine Breite in Pixeln von 0 bis %1 sein, nicht %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a language code such as &quot;de&quot; or &quot;pt_BR&quot; (empty follows the system)</source>
        <translation>&quot;%1&quot; ist kein Sprachcode wie &quot;de&quot; oder &quot;pt_BR&quot; (leer bedeutet: wie das System)</translation>
    </message>
    <message>
        <source>the file is empty</source>
        <translation>Die Datei ist leer</translation>
    </message>
    <message>
        <source>binary data (a zero byte): this is not a settings file</source>
        <translation>Binärdaten (ein Nullbyte): Dies ist keine Einstellungsdatei</translation>
    </message>
    <message>
        <source>the file is not UTF-8 text: it is damaged or not a settings file</source>
        <translation>Die Datei ist kein UTF-8-Text: Sie ist beschädigt oder keine Einstellungsdatei</translation>
    </message>
    <message>
        <source>not valid JSON: %1</source>
        <translation>Kein gültiges JSON: %1</translation>
    </message>
    <message>
        <source>the file holds %1, not a settings object</source>
        <translation>Die Datei enthält %1, kein Einstellungsobjekt</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>eine Liste</translation>
    </message>
    <message>
        <source>a single value</source>
        <translation>einen einzelnen Wert</translation>
    </message>
    <message>
        <source>missing; every Switchyard settings file names its version</source>
        <translation>fehlt; jede Einstellungsdatei von Switchyard nennt ihre Version</translation>
    </message>
    <message>
        <source>must be a whole number, not %1</source>
        <translation>muss eine ganze Zahl sein, nicht %1</translation>
    </message>
    <message>
        <source>the file was written by a newer Switchyard (settings version %1); this one reads versions 1 to %2</source>
        <translation>Die Datei wurde von einem neueren Switchyard geschrieben (Einstellungsversion %1); dieses liest die Versionen 1 bis %2</translation>
    </message>
    <message>
        <source>%1 is not a settings version</source>
        <translation>%1 ist keine Einstellungsversion</translation>
    </message>
</context>
<context>
    <name>SettingsDocument</name>
    <message>
        <source>there is no exit with the id or name &quot;%1&quot;</source>
        <translation>Es gibt keinen Ausgang mit der ID oder dem Namen „%1“</translation>
    </message>
    <message>
        <source>%1 exits are named &quot;%2&quot;; give the id instead (%3)</source>
        <translation>%1 Ausgänge heißen „%2“; geben Sie stattdessen die ID an (%3)</translation>
    </message>
</context>
<context>
    <name>SettingsLoadResult</name>
    <message>
        <source>The settings in %1 cannot be used:</source>
        <translation>Die Einstellungen in %1 sind nicht verwendbar:</translation>
    </message>
    <message>
        <source>The settings in %1 were read, with warnings:</source>
        <translation>Die Einstellungen in %1 wurden mit Warnungen gelesen:</translation>
    </message>
    <message>
        <source>That file was kept as %1.</source>
        <translation>Diese Datei wurde als %1 aufbewahrt.</translation>
    </message>
    <message>
        <source>Switchyard started from the last good version of the settings (the backup).</source>
        <translation>Switchyard wurde mit der letzten funktionierenden Version der Einstellungen (der Sicherung) gestartet.</translation>
    </message>
    <message>
        <source>The backup cannot be used either:</source>
        <translation>Auch die Sicherung ist nicht verwendbar:</translation>
    </message>
    <message>
        <source>Switchyard started with the default settings.</source>
        <translation>Switchyard wurde mit den Standardeinstellungen gestartet.</translation>
    </message>
    <message>
        <source>The settings were written by an older Switchyard (version %1); they are saved in the current format the next time they are saved.</source>
        <translation>Die Einstellungen stammen von einem älteren Switchyard (Version %1); beim nächsten Speichern werden sie im aktuellen Format gespeichert.</translation>
    </message>
</context>
<context>
    <name>SettingsMigration</name>
    <message>
        <source>it cannot be parsed as a URI</source>
        <translation>lässt sich nicht als URI auswerten</translation>
    </message>
    <message>
        <source>no migration from settings version %1</source>
        <translation>Keine Migration von Einstellungsversion %1</translation>
    </message>
    <message>
        <source>not a usable proxy URI: %1</source>
        <translation>Keine verwendbare Proxy-URI: %1</translation>
    </message>
    <message>
        <source>holds a password in plain text: Switchyard keeps passwords only in the system keychain, and drops this one from the file when the settings are next saved</source>
        <translation>enthält ein Passwort im Klartext: Switchyard bewahrt Passwörter nur im Schlüsselbund des Systems auf und entfernt dieses beim nächsten Speichern der Einstellungen aus der Datei</translation>
    </message>
    <message>
        <source>must be an object, not %1</source>
        <translation>muss ein Objekt sein, nicht %1</translation>
    </message>
    <message>
        <source>unknown rule type &quot;%1&quot;; version 1 knew &quot;host&quot;, &quot;domain&quot;, &quot;wildcard&quot;, &quot;keyword&quot;, &quot;regex&quot; and &quot;cidr&quot;</source>
        <translation>Unbekannter Regeltyp &quot;%1&quot;; Version 1 kannte &quot;host&quot;, &quot;domain&quot;, &quot;wildcard&quot;, &quot;keyword&quot;, &quot;regex&quot; und &quot;cidr&quot;</translation>
    </message>
    <message>
        <source>&quot;upstream&quot;, but the file names no usable upstream</source>
        <translation>&quot;upstream&quot;, aber die Datei nennt keinen verwendbaren Upstream</translation>
    </message>
    <message>
        <source>unknown action &quot;%1&quot;; version 1 knew &quot;direct&quot;, &quot;upstream&quot; and &quot;block&quot;</source>
        <translation>Unbekannte Aktion &quot;%1&quot;; Version 1 kannte &quot;direct&quot;, &quot;upstream&quot; und &quot;block&quot;</translation>
    </message>
</context>
<context>
    <name>SettingsStore</name>
    <message>
        <source>cannot open it: %1</source>
        <translation>Öffnen nicht möglich: %1</translation>
    </message>
    <message>
        <source>it is %1 MiB, too big to be settings</source>
        <translation>Die Datei ist %1 MiB groß, zu groß für Einstellungen</translation>
    </message>
    <message>
        <source>cannot read it: %1</source>
        <translation>Lesen nicht möglich: %1</translation>
    </message>
    <message>
        <source>it is a folder, not a file</source>
        <translation>Es ist ein Ordner, keine Datei</translation>
    </message>
    <message>
        <source>The unusable file could not be moved aside to %1; it is left where it is and will not be saved over.</source>
        <translation>Die unbrauchbare Datei konnte nicht nach %1 verschoben werden; sie bleibt, wo sie ist, und wird nicht überschrieben.</translation>
    </message>
    <message>
        <source>The backup could not be restored: %1</source>
        <translation>Die Sicherung konnte nicht wiederhergestellt werden: %1</translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation>Der Ordner %1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>cannot write %1: it is a folder</source>
        <translation>%1 kann nicht geschrieben werden: Es ist ein Ordner</translation>
    </message>
    <message>
        <source>%1 is not the version Switchyard read, and it could not be kept aside as %2; the settings were not saved over it</source>
        <translation>%1 ist nicht die Version, die Switchyard gelesen hat, und konnte nicht als %2 beiseitegelegt werden; die Einstellungen wurden nicht darüber gespeichert</translation>
    </message>
    <message>
        <source>%1 could not be read; it was kept as %2</source>
        <translation>%1 konnte nicht gelesen werden; die Datei wurde als %2 aufbewahrt</translation>
    </message>
    <message>
        <source>%1 had been changed by another program since Switchyard read it; that version was kept as %2</source>
        <translation>%1 wurde von einem anderen Programm geändert, seit Switchyard die Datei gelesen hat; diese Version wurde als %2 aufbewahrt</translation>
    </message>
    <message>
        <source>the backup could not be written, so the settings were not saved: %1</source>
        <translation>Die Sicherung konnte nicht geschrieben werden, daher wurden die Einstellungen nicht gespeichert: %1</translation>
    </message>
</context>
<context>
    <name>SpeedMeter</name>
    <message>
        <source>%1 B/s</source>
        <translation>%1 B/s</translation>
    </message>
    <message>
        <source>%1 KB/s</source>
        <translation>%1 KB/s</translation>
    </message>
    <message>
        <source>%1 MB/s</source>
        <translation>%1 MB/s</translation>
    </message>
    <message>
        <source>%1 GB/s</source>
        <translation>%1 GB/s</translation>
    </message>
</context>
<context>
    <name>Switchyard::AppActions</name>
    <message>
        <source>Proxy enabled</source>
        <translation>Proxy aktiv</translation>
    </message>
    <message>
        <source>System proxy</source>
        <translation>Systemproxy</translation>
    </message>
    <message>
        <source>Open Switchyard</source>
        <translation>Switchyard öffnen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Start or stop listening for proxy clients</source>
        <translation>Lauschen auf Proxy-Clients starten oder beenden</translation>
    </message>
    <message>
        <source>Point the desktop&apos;s proxy settings at Switchyard; switching off restores what was there before</source>
        <translation>Die Proxy-Einstellungen des Desktops auf Switchyard richten; beim Ausschalten wird der vorherige Zustand wiederhergestellt</translation>
    </message>
</context>
<context>
    <name>Switchyard::DesktopSession</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>This desktop has no system tray: closing the window quits Switchyard.</source>
        <translation>Dieser Desktop hat keinen Infobereich: Schließen des Fensters beendet Switchyard.</translation>
    </message>
    <message>
        <source>Switchyard keeps running in the tray. Use Quit in its menu to stop it; the Settings page can make closing the window quit.</source>
        <translation>Switchyard läuft im Infobereich weiter. Beenden Sie es über „Beenden“ in seinem Menü; auf der Seite „Einstellungen“ lässt sich festlegen, dass Schließen des Fensters das Programm beendet.</translation>
    </message>
    <message>
        <source>added from the traffic view</source>
        <translation>aus der Datenverkehrsansicht hinzugefügt</translation>
    </message>
    <message>
        <source>%1 now goes: %2 (rule 1 on the Rules page)</source>
        <translation>%1 geht jetzt: %2 (Regel 1 auf der Seite „Regeln“)</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>Regeln</translation>
    </message>
    <message>
        <source>Exits</source>
        <translation>Ausgänge</translation>
    </message>
    <message>
        <source>Start at login could not be changed: %1</source>
        <translation>Der Start bei der Anmeldung konnte nicht geändert werden: %1</translation>
    </message>
    <message>
        <source>Switchyard starts at login (%1).</source>
        <translation>Switchyard startet bei der Anmeldung (%1).</translation>
    </message>
    <message>
        <source>Switchyard no longer starts at login.</source>
        <translation>Switchyard startet nicht mehr bei der Anmeldung.</translation>
    </message>
</context>
<context>
    <name>Switchyard::EventLogView</name>
    <message>
        <source>Finished requests appear here.</source>
        <translation>Abgeschlossene Anfragen erscheinen hier.</translation>
    </message>
</context>
<context>
    <name>Switchyard::ExitListModel</name>
    <message>
        <source>unchecked</source>
        <translation>ungeprüft</translation>
    </message>
    <message>
        <source>checking…</source>
        <translation>wird geprüft …</translation>
    </message>
    <message>
        <source>waiting for password</source>
        <translation>wartet auf Passwort</translation>
    </message>
    <message>
        <source>OK %1 ms</source>
        <translation>OK, %1 ms</translation>
    </message>
    <message>
        <source>failing: %1</source>
        <translation>gestört: %1</translation>
    </message>
    <message>
        <source>%1 (any certificate)</source>
        <translation>%1 (jedes Zertifikat)</translation>
    </message>
    <message>
        <source>Its password is not available yet, so traffic routed through it is blocked.</source>
        <translation>Sein Passwort ist noch nicht verfügbar, daher wird der darüber geleitete Datenverkehr blockiert.</translation>
    </message>
    <message>
        <source>Last check: HTTP %1 after %2 ms</source>
        <translation>Letzte Prüfung: HTTP %1 nach %2 ms</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>Switchyard::ExitPicker</name>
    <message>
        <source>Where traffic goes when no rule matches it</source>
        <translation>Wohin Datenverkehr geht, auf den keine Regel zutrifft</translation>
    </message>
</context>
<context>
    <name>Switchyard::ExitsPage</name>
    <message>
        <source>&amp;New</source>
        <translation>&amp;Neu</translation>
    </message>
    <message>
        <source>&amp;Add as new exit</source>
        <translation>Als neuen Ausgang &amp;anlegen</translation>
    </message>
    <message>
        <source>&amp;Save changes</source>
        <translation>Änderungen &amp;speichern</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>&amp;Löschen …</translation>
    </message>
    <message>
        <source>&amp;Check</source>
        <translation>&amp;Prüfen</translation>
    </message>
    <message>
        <source>Fetch the URL through the selected exit, as saved</source>
        <translation>Die URL über den ausgewählten Ausgang in seinem gespeicherten Zustand abrufen</translation>
    </message>
    <message>
        <source>The URL the check fetches through the exit</source>
        <translation>Die URL, die die Prüfung über den Ausgang abruft</translation>
    </message>
    <message>
        <source>Check URL:</source>
        <translation>Prüf-URL:</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>Exit “%1” added.</source>
        <translation>Ausgang „%1“ hinzugefügt.</translation>
    </message>
    <message>
        <source>Exit “%1” saved.</source>
        <translation>Ausgang „%1“ gespeichert.</translation>
    </message>
    <message>
        <source>Storing the password of “%1” in the system keychain…</source>
        <translation>Das Passwort von „%1“ wird im Schlüsselbund des Systems gespeichert …</translation>
    </message>
    <message>
        <source>The password of “%1” is stored in the system keychain.</source>
        <translation>Das Passwort von „%1“ ist im Schlüsselbund des Systems gespeichert.</translation>
    </message>
    <message>
        <source>The password of “%1” is kept in memory until Switchyard quits; it was not written anywhere. %2</source>
        <translation>Das Passwort von „%1“ bleibt bis zum Beenden von Switchyard im Speicher; es wurde nirgends gespeichert. %2</translation>
    </message>
    <message>
        <source>The password of “%1” was not stored: %2 Traffic through this exit is blocked until it has its password.</source>
        <translation>Das Passwort von „%1“ wurde nicht gespeichert: %2 Datenverkehr über diesen Ausgang wird blockiert, bis er sein Passwort hat.</translation>
    </message>
    <message>
        <source>The password of “%1” was not stored: %2</source>
        <translation>Das Passwort von „%1“ wurde nicht gespeichert: %2</translation>
    </message>
    <message>
        <source>Password not stored</source>
        <translation>Passwort nicht gespeichert</translation>
    </message>
    <message>
        <source>Keep the password in memory for this run only? It is not written anywhere, and you will have to enter it again after Switchyard restarts.</source>
        <translation>Das Passwort nur für diesen Lauf im Speicher behalten? Es wird nirgends gespeichert, und Sie müssen es nach einem Neustart von Switchyard erneut eingeben.</translation>
    </message>
    <message>
        <source>Delete exit</source>
        <translation>Ausgang löschen</translation>
    </message>
    <message>
        <source>Delete the exit “%1”?</source>
        <translation>Den Ausgang „%1“ löschen?</translation>
    </message>
    <message numerus="yes">
        <source>%Ln rule(s) route through it; their traffic will be blocked until you change them.</source>
        <translation>
            <numerusform>%Ln Regel leitet darüber; ihr Datenverkehr wird blockiert, bis Sie sie ändern.</numerusform>
            <numerusform>%Ln Regeln leiten darüber; ihr Datenverkehr wird blockiert, bis Sie sie ändern.</numerusform>
        </translation>
    </message>
    <message>
        <source>No rule routes through it.</source>
        <translation>Keine Regel leitet darüber.</translation>
    </message>
    <message>
        <source>Traffic no rule matches goes through it too and will be blocked until you pick another exit.</source>
        <translation>Auch Datenverkehr, auf den keine Regel zutrifft, geht darüber und wird blockiert, bis Sie einen anderen Ausgang wählen.</translation>
    </message>
    <message>
        <source>Its password is removed from the system keychain.</source>
        <translation>Sein Passwort wird aus dem Schlüsselbund des Systems entfernt.</translation>
    </message>
    <message>
        <source>Not deleted: %1</source>
        <translation>Nicht gelöscht: %1</translation>
    </message>
    <message>
        <source>Exit “%1” deleted.</source>
        <translation>Ausgang „%1“ gelöscht.</translation>
    </message>
    <message>
        <source>The check URL must be an http:// or https:// URL.</source>
        <translation>Die Prüf-URL muss eine http://- oder https://-URL sein.</translation>
    </message>
    <message>
        <source>Not checked: the password of this exit is not available yet.</source>
        <translation>Nicht geprüft: Das Passwort dieses Ausgangs ist noch nicht verfügbar.</translation>
    </message>
    <message>
        <source>Not checked: this exit is not in use.</source>
        <translation>Nicht geprüft: Dieser Ausgang wird nicht verwendet.</translation>
    </message>
    <message>
        <source>Checking %1 through “%2”…</source>
        <translation>%1 wird über „%2“ geprüft …</translation>
    </message>
    <message>
        <source>OK: HTTP %1 after %2 ms.</source>
        <translation>OK: HTTP %1 nach %2 ms.</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>The password of “%1” was removed from the system keychain.</source>
        <translation>Das Passwort von „%1“ wurde aus dem Schlüsselbund des Systems entfernt.</translation>
    </message>
    <message>
        <source>The password of “%1” was not removed: %2</source>
        <translation>Das Passwort von „%1“ wurde nicht entfernt: %2</translation>
    </message>
</context>
<context>
    <name>Switchyard::HeadlessRunner</name>
    <message>
        <source>the proxy did not stop within %1 seconds</source>
        <translation>Der Proxy wurde nicht innerhalb von %1 Sekunden beendet</translation>
    </message>
    <message>
        <source>cannot open the log file %1: %2</source>
        <translation>Die Protokolldatei %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>cannot listen on %1: %2</source>
        <translation>Lauschen auf %1 nicht möglich: %2</translation>
    </message>
    <message>
        <source>the proxy stopped unexpectedly</source>
        <translation>Der Proxy wurde unerwartet beendet</translation>
    </message>
    <message>
        <source>cannot write the log, logging stops: %1</source>
        <translation>Das Protokoll kann nicht geschrieben werden, die Protokollierung endet: %1</translation>
    </message>
    <message numerus="yes">
        <source>Switchyard wrote %n exchanges to %1</source>
        <translation>
            <numerusform>Switchyard hat %n Vorgang in %1 geschrieben</numerusform>
            <numerusform>Switchyard hat %n Vorgänge in %1 geschrieben</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Switchyard::MainWindow</name>
    <message>
        <source>Proxy</source>
        <translation>Proxy</translation>
    </message>
    <message>
        <source>Exit:</source>
        <translation>Ausgang:</translation>
    </message>
    <message>
        <source>Traffic</source>
        <translation>Datenverkehr</translation>
    </message>
    <message>
        <source>Listening on %1</source>
        <translation>Lauscht auf %1</translation>
    </message>
    <message>
        <source>Not listening (%1)</source>
        <translation>Lauscht nicht (%1)</translation>
    </message>
    <message numerus="yes">
        <source>%Ln connection(s)</source>
        <translation>
            <numerusform>%Ln Verbindung</numerusform>
            <numerusform>%Ln Verbindungen</numerusform>
        </translation>
    </message>
    <message>
        <source>↑ %1  ↓ %2</source>
        <translation>↑ %1  ↓ %2</translation>
    </message>
</context>
<context>
    <name>Switchyard::PasswordCommand</name>
    <message>
        <source>there are no exits yet: %1 does not exist</source>
        <translation>Es gibt noch keine Ausgänge: %1 existiert nicht</translation>
    </message>
    <message>
        <source>cannot read the settings in %1, so the exit cannot be found</source>
        <translation>Die Einstellungen in %1 können nicht gelesen werden, daher ist der Ausgang nicht auffindbar</translation>
    </message>
    <message>
        <source>%1 (in %2)</source>
        <translation>%1 (in %2)</translation>
    </message>
    <message>
        <source>exit &quot;%1&quot; is SOCKS4a, which has no passwords</source>
        <translation>Ausgang „%1“ ist SOCKS4a, das keine Passwörter kennt</translation>
    </message>
    <message>
        <source>note: exit &quot;%1&quot; has no user name; the password is used once it has one</source>
        <translation>Hinweis: Ausgang „%1“ hat keinen Benutzernamen; das Passwort wird verwendet, sobald er einen hat</translation>
    </message>
    <message>
        <source>Password for exit &quot;%1&quot;: </source>
        <translation>Passwort für Ausgang „%1“: </translation>
    </message>
    <message>
        <source>The password for exit &quot;%1&quot; (%2) is stored in the system keychain.</source>
        <translation>Das Passwort für Ausgang „%1“ (%2) ist im Schlüsselbund des Systems gespeichert.</translation>
    </message>
    <message>
        <source>cannot store the password: %1</source>
        <translation>Das Passwort kann nicht gespeichert werden: %1</translation>
    </message>
</context>
<context>
    <name>Switchyard::ProfileForm</name>
    <message>
        <source>&amp;Fill from URI</source>
        <translation>Aus URI ü&amp;bernehmen</translation>
    </message>
    <message>
        <source>Resolve names at the exit (no local DNS lookup)</source>
        <translation>Namen am Ausgang auflösen (keine lokale DNS-Abfrage)</translation>
    </message>
    <message>
        <source>Accept any certificate (self-signed)</source>
        <translation>Jedes Zertifikat akzeptieren (selbstsigniert)</translation>
    </message>
    <message>
        <source>Paste a proxy URI, e.g. socks5h://user:pass@host:1080</source>
        <translation>Proxy-URI einfügen, z. B. socks5h://user:pass@host:1080</translation>
    </message>
    <message>
        <source>proxy.example.net or 192.0.2.10</source>
        <translation>proxy.example.net oder 192.0.2.10</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>Warning: any certificate is accepted, so anyone between you and this exit can pretend to be it and read your traffic. Use this only for an exit you run yourself on a network you trust.</source>
        <translation>Warnung: Jedes Zertifikat wird akzeptiert, daher kann sich jeder zwischen Ihnen und diesem Ausgang als dieser ausgeben und Ihren Datenverkehr mitlesen. Verwenden Sie das nur für einen Ausgang, den Sie selbst in einem vertrauenswürdigen Netzwerk betreiben.</translation>
    </message>
    <message>
        <source>&amp;URI:</source>
        <translation>&amp;URI:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>Na&amp;me:</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Typ:</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>&amp;Host:</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>P&amp;ort:</translation>
    </message>
    <message>
        <source>User na&amp;me:</source>
        <translation>B&amp;enutzername:</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>Pass&amp;wort:</translation>
    </message>
    <message>
        <source>user id (optional)</source>
        <translation>Benutzerkennung (optional)</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <source>unchanged (in the system keychain); type to replace</source>
        <translation>unverändert (im Schlüsselbund des Systems); zum Ersetzen eintippen</translation>
    </message>
    <message>
        <source>optional; kept in the system keychain</source>
        <translation>optional; wird im Schlüsselbund des Systems aufbewahrt</translation>
    </message>
    <message>
        <source>Give the exit a name.</source>
        <translation>Geben Sie dem Ausgang einen Namen.</translation>
    </message>
    <message>
        <source>This exit cannot be used: %1</source>
        <translation>Dieser Ausgang ist nicht verwendbar: %1</translation>
    </message>
    <message>
        <source>paste a URI such as http://proxy.example:3128 first</source>
        <translation>Fügen Sie zuerst eine URI wie http://proxy.example:3128 ein</translation>
    </message>
    <message>
        <source>Not a usable proxy URI: %1</source>
        <translation>Keine verwendbare Proxy-URI: %1</translation>
    </message>
    <message>
        <source>&amp;Remove the stored password</source>
        <translation>Gespeichertes Passwort &amp;entfernen</translation>
    </message>
</context>
<context>
    <name>Switchyard::ProxyController</name>
    <message>
        <source>Proxy off</source>
        <translation>Proxy aus</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Wird beendet …</translation>
    </message>
    <message>
        <source>Starting on %1…</source>
        <translation>Wird auf %1 gestartet …</translation>
    </message>
    <message>
        <source>On, %1 — direct</source>
        <translation>An, %1 – direkt</translation>
    </message>
    <message>
        <source>On, %1 — through %2</source>
        <translation>An, %1 – über %2</translation>
    </message>
    <message>
        <source>On, %1 — unmatched traffic blocked</source>
        <translation>An, %1 – Datenverkehr ohne passende Regel blockiert</translation>
    </message>
    <message>
        <source>Cannot listen on %1: %2</source>
        <translation>Lauschen auf %1 nicht möglich: %2</translation>
    </message>
    <message>
        <source>On, %1 — exit &quot;%2&quot; is failing; its traffic is blocked</source>
        <translation>An, %1 – Ausgang „%2“ ist gestört; sein Datenverkehr wird blockiert</translation>
    </message>
</context>
<context>
    <name>Switchyard::RouteActionCombo</name>
    <message>
        <source>Direct</source>
        <translation>Direkt</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>Blockieren</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>Über %1</translation>
    </message>
    <message>
        <source>Through %1 (waiting for password)</source>
        <translation>Über %1 (wartet auf Passwort)</translation>
    </message>
    <message>
        <source>Through %1 (failing)</source>
        <translation>Über %1 (gestört)</translation>
    </message>
    <message>
        <source>Missing exit (blocked)</source>
        <translation>Fehlender Ausgang (blockiert)</translation>
    </message>
    <message>
        <source>The exit this rule routes through was deleted: its traffic is blocked until you pick another action.</source>
        <translation>Der Ausgang, über den diese Regel leitet, wurde gelöscht: Ihr Datenverkehr wird blockiert, bis Sie eine andere Aktion wählen.</translation>
    </message>
</context>
<context>
    <name>Switchyard::RuleEditDialog</name>
    <message>
        <source>Enabled</source>
        <translation>Aktiviert</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <source>Optional note for yourself</source>
        <translation>Optionale Notiz für Sie selbst</translation>
    </message>
    <message>
        <source>&amp;Matcher:</source>
        <translation>&amp;Kriterium:</translation>
    </message>
    <message>
        <source>&amp;Pattern:</source>
        <translation>&amp;Muster:</translation>
    </message>
    <message>
        <source>&amp;Action:</source>
        <translation>&amp;Aktion:</translation>
    </message>
    <message>
        <source>&amp;Comment:</source>
        <translation>K&amp;ommentar:</translation>
    </message>
    <message>
        <source>e.g. %1</source>
        <translation>z. B. %1</translation>
    </message>
    <message>
        <source>Invalid pattern: %1</source>
        <translation>Ungültiges Muster: %1</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
</context>
<context>
    <name>Switchyard::RuleImportDialog</name>
    <message>
        <source>Import rules from %1</source>
        <translation>Regeln aus %1 importieren</translation>
    </message>
    <message>
        <source>Detect</source>
        <translation>Automatisch erkennen</translation>
    </message>
    <message>
        <source>AutoProxy / gfwlist</source>
        <translation>AutoProxy / gfwlist</translation>
    </message>
    <message>
        <source>Plain host list / hosts file</source>
        <translation>Einfache Hostliste / hosts-Datei</translation>
    </message>
    <message>
        <source>Every line was used.</source>
        <translation>Jede Zeile wurde übernommen.</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>&amp;Format:</translation>
    </message>
    <message>
        <source>&amp;New rules:</source>
        <translation>&amp;Neue Regeln:</translation>
    </message>
    <message>
        <source>Lines not imported:</source>
        <translation>Nicht importierte Zeilen:</translation>
    </message>
    <message>
        <source>AutoProxy list (base64)</source>
        <translation>AutoProxy-Liste (Base64)</translation>
    </message>
    <message>
        <source>AutoProxy list</source>
        <translation>AutoProxy-Liste</translation>
    </message>
    <message>
        <source>plain host list</source>
        <translation>einfache Hostliste</translation>
    </message>
    <message numerus="yes">
        <source>%1: %Ln rule(s) from %2 line(s).</source>
        <translation>
            <numerusform>%1: %Ln Regel aus %2 Zeile(n).</numerusform>
            <numerusform>%1: %Ln Regeln aus %2 Zeile(n).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln line(s) gave rules, </source>
        <translation>
            <numerusform>%Ln Zeile ergab Regeln, </numerusform>
            <numerusform>%Ln Zeilen ergaben Regeln, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln comment or header line(s), </source>
        <translation>
            <numerusform>%Ln Kommentar- oder Kopfzeile, </numerusform>
            <numerusform>%Ln Kommentar- oder Kopfzeilen, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln blank line(s), </source>
        <translation>
            <numerusform>%Ln Leerzeile, </numerusform>
            <numerusform>%Ln Leerzeilen, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln entry(ies) skipped.</source>
        <translation>
            <numerusform>%Ln Eintrag übersprungen.</numerusform>
            <numerusform>%Ln Einträge übersprungen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Exceptions (@@ lines) go direct and come first.</source>
        <translation>Ausnahmen (@@-Zeilen) gehen direkt und stehen vorn.</translation>
    </message>
    <message>
        <source>line %1: %2 (%3)</source>
        <translation>Zeile %1: %2 (%3)</translation>
    </message>
    <message numerus="yes">
        <source>Append %Ln rule(s)</source>
        <translation>
            <numerusform>%Ln Regel anhängen</numerusform>
            <numerusform>%Ln Regeln anhängen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Switchyard::RuleTableModel</name>
    <message>
        <source>Direct</source>
        <translation>Direkt</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>Blockieren</translation>
    </message>
    <message>
        <source>blocked: exit missing</source>
        <translation>blockiert: Ausgang fehlt</translation>
    </message>
    <message>
        <source>Through %1 (failing)</source>
        <translation>Über %1 (gestört)</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>Über %1</translation>
    </message>
    <message>
        <source>Enabled: this rule takes part in matching</source>
        <translation>Aktiviert: Diese Regel wird beim Abgleich berücksichtigt</translation>
    </message>
    <message>
        <source>Disabled: this rule is skipped</source>
        <translation>Deaktiviert: Diese Regel wird übersprungen</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>Aktiviert</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Deaktiviert</translation>
    </message>
    <message>
        <source>Invalid pattern, this rule never matches: %1</source>
        <translation>Ungültiges Muster, diese Regel greift nie: %1</translation>
    </message>
    <message>
        <source>The exit this rule routes through is gone, so its traffic is blocked: %1</source>
        <translation>Der Ausgang, über den diese Regel leitet, existiert nicht mehr, daher wird ihr Datenverkehr blockiert: %1</translation>
    </message>
    <message>
        <source>On</source>
        <translation>An</translation>
    </message>
    <message>
        <source>Matcher</source>
        <translation>Kriterium</translation>
    </message>
    <message>
        <source>Pattern</source>
        <translation>Muster</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Kommentar</translation>
    </message>
    <message>
        <source>There is no rule #%1.</source>
        <translation>Es gibt keine Regel Nr. %1.</translation>
    </message>
</context>
<context>
    <name>Switchyard::RulesPage</name>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Hinzufügen …</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Bearbeiten …</translation>
    </message>
    <message>
        <source>D&amp;uplicate</source>
        <translation>&amp;Duplizieren</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>E&amp;nable</source>
        <translation>&amp;Aktivieren</translation>
    </message>
    <message>
        <source>Di&amp;sable</source>
        <translation>D&amp;eaktivieren</translation>
    </message>
    <message>
        <source>Move &amp;up</source>
        <translation>Nach &amp;oben</translation>
    </message>
    <message>
        <source>Move do&amp;wn</source>
        <translation>Nach &amp;unten</translation>
    </message>
    <message>
        <source>&amp;Import list…</source>
        <translation>Liste &amp;importieren …</translation>
    </message>
    <message>
        <source>E&amp;xplain</source>
        <translation>E&amp;rklären</translation>
    </message>
    <message>
        <source>Add a rule after the selected ones (or at the end)</source>
        <translation>Eine Regel nach den ausgewählten (oder am Ende) hinzufügen</translation>
    </message>
    <message>
        <source>Earlier rules win: move the selected rules up</source>
        <translation>Frühere Regeln haben Vorrang: die ausgewählten Regeln nach oben verschieben</translation>
    </message>
    <message>
        <source>Move the selected rules down</source>
        <translation>Die ausgewählten Regeln nach unten verschieben</translation>
    </message>
    <message>
        <source>Append the rules of an AutoProxy/gfwlist or plain host list</source>
        <translation>Die Regeln einer AutoProxy-/gfwlist- oder einfachen Hostliste anhängen</translation>
    </message>
    <message>
        <source>URL or host:port, e.g. https://example.com/</source>
        <translation>URL oder host:port, z. B. https://example.com/</translation>
    </message>
    <message>
        <source>Where does this go?</source>
        <translation>Wohin geht das?</translation>
    </message>
    <message>
        <source>Not changed: %1</source>
        <translation>Nicht geändert: %1</translation>
    </message>
    <message>
        <source>Traffic no rule matches: %1</source>
        <translation>Datenverkehr ohne passende Regel: %1</translation>
    </message>
    <message>
        <source>Import a rule list</source>
        <translation>Regelliste importieren</translation>
    </message>
    <message>
        <source>Rule lists (*.txt *.list *.conf);;All files (*)</source>
        <translation>Regellisten (*.txt *.list *.conf);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Add a rule</source>
        <translation>Regel hinzufügen</translation>
    </message>
    <message>
        <source>Edit rule #%1</source>
        <translation>Regel Nr. %1 bearbeiten</translation>
    </message>
    <message>
        <source>Not duplicated: %1</source>
        <translation>Nicht dupliziert: %1</translation>
    </message>
    <message>
        <source>Not deleted: %1</source>
        <translation>Nicht gelöscht: %1</translation>
    </message>
    <message numerus="yes">
        <source>Deleted %Ln rule(s).</source>
        <translation>
            <numerusform>%Ln Regel gelöscht.</numerusform>
            <numerusform>%Ln Regeln gelöscht.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not moved: %1</source>
        <translation>Nicht verschoben: %1</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is too big for a rule list (%2 bytes).</source>
        <translation>%1 ist zu groß für eine Regelliste (%2 Bytes).</translation>
    </message>
    <message>
        <source>Nothing imported: %1</source>
        <translation>Nichts importiert: %1</translation>
    </message>
    <message numerus="yes">
        <source>Imported %Ln rule(s) from %1; %2 line(s) skipped.</source>
        <translation>
            <numerusform>%Ln Regel aus %1 importiert; %2 Zeile(n) übersprungen.</numerusform>
            <numerusform>%Ln Regeln aus %1 importiert; %2 Zeile(n) übersprungen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Type a URL or host:port to see which rule decides it.</source>
        <translation>Geben Sie eine URL oder host:port ein, um zu sehen, welche Regel darüber entscheidet.</translation>
    </message>
    <message>
        <source>Cannot explain “%1”: %2</source>
        <translation>„%1“ kann nicht erklärt werden: %2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>No rule matches %1: the default action applies, %2.</source>
        <translation>Keine Regel trifft auf %1 zu: Es gilt die Standardaktion, %2.</translation>
    </message>
    <message>
        <source>Rule #%1 decides %2: %3.
%4</source>
        <translation>Regel Nr. %1 entscheidet über %2: %3.
%4</translation>
    </message>
</context>
<context>
    <name>Switchyard::RunSettings</name>
    <message>
        <source>cannot use the settings in %1; fix them, or point --config at another file (the last good version is in %2)</source>
        <translation>Die Einstellungen in %1 sind nicht verwendbar; korrigieren Sie sie oder geben Sie mit --config eine andere Datei an (die letzte funktionierende Version liegt in %2)</translation>
    </message>
    <message>
        <source>cannot use the settings in %1; fix them, or point --config at another file</source>
        <translation>Die Einstellungen in %1 sind nicht verwendbar; korrigieren Sie sie oder geben Sie mit --config eine andere Datei an</translation>
    </message>
    <message>
        <source>the password in %1 stays in the settings file: %2</source>
        <translation>Das Passwort in %1 bleibt in der Einstellungsdatei: %2</translation>
    </message>
    <message>
        <source>The passwords from %1 are now in the system keychain, and no longer in the file.</source>
        <translation>Die Passwörter aus %1 liegen jetzt im Schlüsselbund des Systems und nicht mehr in der Datei.</translation>
    </message>
    <message>
        <source>cannot save the settings without the passwords: %1</source>
        <translation>Die Einstellungen können nicht ohne die Passwörter gespeichert werden: %1</translation>
    </message>
    <message>
        <source>inbound authentication is on but its password cannot be read; not accepting clients without it</source>
        <translation>Die Client-Anmeldung ist an, aber ihr Passwort kann nicht gelesen werden; ohne es werden keine Clients angenommen</translation>
    </message>
    <message>
        <source>traffic for exit &quot;%1&quot; is blocked in this run: its password cannot be read</source>
        <translation>Datenverkehr für Ausgang „%1“ wird in diesem Lauf blockiert: Sein Passwort kann nicht gelesen werden</translation>
    </message>
</context>
<context>
    <name>Switchyard::SettingsController</name>
    <message>
        <source>Rule %1 (%2) cannot be saved: %3</source>
        <translation>Regel %1 (%2) kann nicht gespeichert werden: %3</translation>
    </message>
    <message>
        <source>There is no exit with the id &quot;%1&quot;.</source>
        <translation>Es gibt keinen Ausgang mit der ID „%1“.</translation>
    </message>
    <message>
        <source>The listen address is not an IP address.</source>
        <translation>Die Lauschadresse ist keine IP-Adresse.</translation>
    </message>
    <message>
        <source>%1 cannot be imported; it has errors.</source>
        <translation>%1 kann nicht importiert werden; die Datei enthält Fehler.</translation>
    </message>
    <message>
        <source>Rule %1 of the import cannot be used: %2</source>
        <translation>Regel %1 des Imports ist nicht verwendbar: %2</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>Direkt</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Blockiert</translation>
    </message>
    <message>
        <source>Missing exit (blocked)</source>
        <translation>Fehlender Ausgang (blockiert)</translation>
    </message>
    <message>
        <source>Block (unmatched traffic)</source>
        <translation>Blockieren (Datenverkehr ohne passende Regel)</translation>
    </message>
    <message>
        <source>%1 — failing</source>
        <translation>%1 – gestört</translation>
    </message>
    <message>
        <source>%1 — no password yet</source>
        <translation>%1 – noch kein Passwort</translation>
    </message>
    <message>
        <source>The settings could not be saved, so nothing was changed: %1</source>
        <translation>Die Einstellungen konnten nicht gespeichert werden, daher wurde nichts geändert: %1</translation>
    </message>
    <message>
        <source>Clients need a user name to log in with.</source>
        <translation>Clients brauchen einen Benutzernamen zum Anmelden.</translation>
    </message>
    <message>
        <source>The user name is longer than 255 bytes.</source>
        <translation>Der Benutzername ist länger als 255 Bytes.</translation>
    </message>
</context>
<context>
    <name>Switchyard::SettingsPage</name>
    <message>
        <source>Proxy</source>
        <translation>Proxy</translation>
    </message>
    <message>
        <source>Address and port for HTTP, SOCKS5 and SOCKS4a clients. Anything but loopback needs inbound authentication.</source>
        <translation>Adresse und Port für HTTP-, SOCKS5- und SOCKS4a-Clients. Alles außer Loopback erfordert eine Client-Anmeldung.</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Anwenden</translation>
    </message>
    <message>
        <source>Listen on:</source>
        <translation>Lauschen auf:</translation>
    </message>
    <message>
        <source>Manual: HTTP, HTTPS and SOCKS point at Switchyard</source>
        <translation>Manuell: HTTP, HTTPS und SOCKS zeigen auf Switchyard</translation>
    </message>
    <message>
        <source>Automatic: the desktop reads Switchyard&apos;s PAC file</source>
        <translation>Automatisch: Der Desktop liest die PAC-Datei von Switchyard</translation>
    </message>
    <message>
        <source>System proxy:</source>
        <translation>Systemproxy:</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>Anwendung</translation>
    </message>
    <message>
        <source>Closing the window keeps Switchyard running in the tray</source>
        <translation>Nach dem Schließen des Fensters läuft Switchyard im Infobereich weiter</translation>
    </message>
    <message>
        <source>Start Switchyard when I log in</source>
        <translation>Switchyard bei der Anmeldung starten</translation>
    </message>
    <message>
        <source>Language (after a restart):</source>
        <translation>Sprache (nach Neustart):</translation>
    </message>
    <message>
        <source>Rows kept in the traffic view:</source>
        <translation>Aufbewahrte Zeilen in der Datenverkehrsansicht:</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>Konfiguration</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren …</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Importieren …</translation>
    </message>
    <message>
        <source>Exits (without passwords), rules and options in one file</source>
        <translation>Ausgänge (ohne Passwörter), Regeln und Optionen in einer Datei</translation>
    </message>
    <message>
        <source>Switchyard configuration (*.json);;All files (*)</source>
        <translation>Switchyard-Konfiguration (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Export configuration</source>
        <translation>Konfiguration exportieren</translation>
    </message>
    <message>
        <source>Import configuration</source>
        <translation>Konfiguration importieren</translation>
    </message>
    <message>
        <source>Merge the exits and rules of %1 with yours, or replace yours?</source>
        <translation>Die Ausgänge und Regeln aus %1 mit Ihren zusammenführen oder Ihre ersetzen?</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>Zusammenführen</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>Ersetzen</translation>
    </message>
    <message>
        <source>The language changes when Switchyard starts again.</source>
        <translation>Die Sprache ändert sich beim nächsten Start von Switchyard.</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemstandard</translation>
    </message>
    <message>
        <source>Cannot listen on &quot;%1&quot;: %2</source>
        <translation>Lauschen auf „%1“ nicht möglich: %2</translation>
    </message>
    <message>
        <source>Listening on %1 would open the proxy to other machines; that needs inbound authentication, which is off.</source>
        <translation>Lauschen auf %1 würde den Proxy für andere Rechner öffnen; dafür ist eine Client-Anmeldung nötig, die aus ist.</translation>
    </message>
    <message>
        <source>Listening on %1 from now on.</source>
        <translation>Lauscht ab jetzt auf %1.</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Exported to %1 (passwords are not included).</source>
        <translation>Nach %1 exportiert (ohne Passwörter).</translation>
    </message>
    <message>
        <source>%1 cannot be imported:
%2</source>
        <translation>%1 kann nicht importiert werden:
%2</translation>
    </message>
    <message>
        <source>Imported %1. Exits that need a password ask for it on the Exits page.</source>
        <translation>%1 importiert. Ausgänge, die ein Passwort brauchen, fragen auf der Seite „Ausgänge“ danach.</translation>
    </message>
    <message>
        <source>Client login</source>
        <translation>Client-Anmeldung</translation>
    </message>
    <message>
        <source>Clients must log in (needed to listen beyond this computer)</source>
        <translation>Clients müssen sich anmelden (nötig, um über diesen Rechner hinaus zu lauschen)</translation>
    </message>
    <message>
        <source>kept in the system keychain</source>
        <translation>wird im Schlüsselbund des Systems aufbewahrt</translation>
    </message>
    <message>
        <source>Save login</source>
        <translation>Anmeldedaten speichern</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>Benutzername:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Passwort:</translation>
    </message>
    <message>
        <source>No keychain</source>
        <translation>Kein Schlüsselbund</translation>
    </message>
    <message>
        <source>%1

Keep the password in memory until Switchyard quits? It is not written anywhere.</source>
        <translation>%1

Das Passwort bis zum Beenden von Switchyard im Speicher behalten? Es wird nirgends gespeichert.</translation>
    </message>
    <message>
        <source>Client login saved.</source>
        <translation>Client-Anmeldung gespeichert.</translation>
    </message>
    <message>
        <source>Clients no longer log in.</source>
        <translation>Clients melden sich nicht mehr an.</translation>
    </message>
    <message>
        <source>Client login saved; the password is in the system keychain.</source>
        <translation>Client-Anmeldung gespeichert; das Passwort liegt im Schlüsselbund des Systems.</translation>
    </message>
    <message>
        <source>The password is kept in memory until Switchyard quits.</source>
        <translation>Das Passwort bleibt bis zum Beenden von Switchyard im Speicher.</translation>
    </message>
    <message>
        <source>The password was not stored: %1 Clients are refused until it is.</source>
        <translation>Das Passwort wurde nicht gespeichert: %1 Clients werden abgewiesen, bis es gespeichert ist.</translation>
    </message>
    <message>
        <source>Anyone who can reach the port may use the proxy.</source>
        <translation>Jeder, der den Port erreicht, kann den Proxy benutzen.</translation>
    </message>
    <message>
        <source>No usable password yet: every client is refused.</source>
        <translation>Noch kein verwendbares Passwort: Alle Clients werden abgewiesen.</translation>
    </message>
    <message>
        <source>Clients log in with this user name and the stored password.</source>
        <translation>Clients melden sich mit diesem Benutzernamen und dem gespeicherten Passwort an.</translation>
    </message>
</context>
<context>
    <name>Switchyard::SingleInstanceGuard</name>
    <message>
        <source>cannot take the lock %1 that guards against a second Switchyard</source>
        <translation>Die Sperre %1, die einen zweiten Switchyard verhindert, kann nicht belegt werden</translation>
    </message>
    <message>
        <source>another Switchyard is running with the same settings file but did not answer; if it hangs, end it and start again</source>
        <translation>Ein anderer Switchyard läuft mit derselben Einstellungsdatei, hat aber nicht geantwortet; falls er hängt, beenden Sie ihn und starten Sie neu</translation>
    </message>
    <message>
        <source>another program answered on %1; it is not a Switchyard of this version</source>
        <translation>Auf %1 hat ein anderes Programm geantwortet; es ist kein Switchyard dieser Version</translation>
    </message>
    <message>
        <source>cannot listen on %1 for a second Switchyard: %2</source>
        <translation>Lauschen auf %1 für einen zweiten Switchyard nicht möglich: %2</translation>
    </message>
    <message>
        <source>cannot use the single-instance socket %1: %2</source>
        <translation>Der Socket %1, der einen zweiten Switchyard verhindert, kann nicht verwendet werden: %2</translation>
    </message>
</context>
<context>
    <name>Switchyard::SystemProxyController</name>
    <message>
        <source>cannot create the folder %1</source>
        <translation>Der Ordner %1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>another Switchyard (process %1) has the system proxy on; turn it off there first</source>
        <translation>Ein anderer Switchyard (Prozess %1) hat den Systemproxy eingeschaltet; schalten Sie ihn zuerst dort aus</translation>
    </message>
    <message>
        <source>cannot lock %1</source>
        <translation>%1 kann nicht gesperrt werden</translation>
    </message>
    <message>
        <source>System proxy not changed: %1</source>
        <translation>Systemproxy nicht geändert: %1</translation>
    </message>
    <message>
        <source>Could not point the %1 proxy settings at %2: %3</source>
        <translation>Die Proxy-Einstellungen von %1 konnten nicht auf %2 gerichtet werden: %3</translation>
    </message>
    <message>
        <source>Restoring the settings from before failed too: %1. They are saved in %2; &apos;switchyard --restore-system-proxy&apos; tries again.</source>
        <translation>Auch das Wiederherstellen der vorherigen Einstellungen ist fehlgeschlagen: %1. Sie sind in %2 gesichert; &apos;switchyard --restore-system-proxy&apos; versucht es erneut.</translation>
    </message>
    <message>
        <source>The %1 proxy settings point at Switchyard (%2).</source>
        <translation>Die Proxy-Einstellungen von %1 zeigen auf Switchyard (%2).</translation>
    </message>
    <message>
        <source>Could not restore the %1 proxy settings: %2. They are saved in %3; &apos;switchyard --restore-system-proxy&apos; tries again.</source>
        <translation>Die Proxy-Einstellungen von %1 konnten nicht wiederhergestellt werden: %2. Sie sind in %3 gesichert; &apos;switchyard --restore-system-proxy&apos; versucht es erneut.</translation>
    </message>
    <message>
        <source>The %1 proxy settings are back as they were.</source>
        <translation>Die Proxy-Einstellungen von %1 sind wiederhergestellt.</translation>
    </message>
    <message>
        <source>There are no system proxy settings to restore.</source>
        <translation>Es gibt keine Systemproxy-Einstellungen zum Wiederherstellen.</translation>
    </message>
    <message>
        <source>System proxy settings not restored: %1</source>
        <translation>Systemproxy-Einstellungen nicht wiederhergestellt: %1</translation>
    </message>
    <message>
        <source>The %1 proxy settings were changed since Switchyard pointed them at %2, so they were left as they are; the settings saved before that were dropped.</source>
        <translation>Die Proxy-Einstellungen von %1 wurden geändert, nachdem Switchyard sie auf %2 gerichtet hatte, und bleiben daher, wie sie sind; die zuvor gesicherten Einstellungen wurden verworfen.</translation>
    </message>
    <message>
        <source>Could not restore the %1 proxy settings: %2. They are saved in %3.</source>
        <translation>Die Proxy-Einstellungen von %1 konnten nicht wiederhergestellt werden: %2. Sie sind in %3 gesichert.</translation>
    </message>
    <message>
        <source>Switchyard (process %1) stopped while the system proxy pointed at it; the %2 proxy settings from before are restored.</source>
        <translation>Switchyard (Prozess %1) wurde beendet, während der Systemproxy auf es zeigte; die vorherigen Proxy-Einstellungen von %2 sind wiederhergestellt.</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficBodyView</name>
    <message>
        <source>No body</source>
        <translation>Kein Inhalt</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficContextMenu</name>
    <message>
        <source>Copy URL</source>
        <translation>URL kopieren</translation>
    </message>
    <message>
        <source>Copy as curl</source>
        <translation>Als curl kopieren</translation>
    </message>
    <message>
        <source>Copy response body</source>
        <translation>Antwortinhalt kopieren</translation>
    </message>
    <message>
        <source>Route %1</source>
        <translation>Route für %1</translation>
    </message>
    <message>
        <source>Route all of %1</source>
        <translation>Route für ganz %1</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>Direkt</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>Über %1</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>Blockieren</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficDetailsPane</name>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 (%2 bytes)</source>
        <translation>%1 (%2 Bytes)</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>Anfrage</translation>
    </message>
    <message>
        <source>Response</source>
        <translation>Antwort</translation>
    </message>
    <message>
        <source>Show secrets</source>
        <translation>Geheimnisse zeigen</translation>
    </message>
    <message>
        <source>Show the values of Authorization, Proxy-Authorization, Cookie and Set-Cookie</source>
        <translation>Die Werte von Authorization, Proxy-Authorization, Cookie und Set-Cookie anzeigen</translation>
    </message>
    <message>
        <source>Select an entry to see its details. Enter opens the selected one.</source>
        <translation>Wählen Sie einen Eintrag aus, um seine Details zu sehen. Die Eingabetaste öffnet den ausgewählten.</translation>
    </message>
    <message>
        <source>Hide secrets</source>
        <translation>Geheimnisse verbergen</translation>
    </message>
    <message>
        <source>No response yet.</source>
        <translation>Noch keine Antwort.</translation>
    </message>
    <message>
        <source>No headers captured (capture may be off).</source>
        <translation>Keine Header mitgeschnitten (Mitschnitt ist evtl. aus).</translation>
    </message>
    <message>
        <source>Click to show this value</source>
        <translation>Klicken, um diesen Wert anzuzeigen</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>SOCKS reply</source>
        <translation>SOCKS-Antwort</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>Direkt</translation>
    </message>
    <message>
        <source>Through the exit %1</source>
        <translation>Über den Ausgang %1</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Blockiert</translation>
    </message>
    <message>
        <source>Answered by Switchyard</source>
        <translation>Von Switchyard beantwortet</translation>
    </message>
    <message>
        <source>Refused (connection limit)</source>
        <translation>Abgewiesen (Verbindungslimit)</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Unbekannt</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <source>none matched: the default action</source>
        <translation>keine traf zu: die Standardaktion</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Beginn</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>still running</source>
        <translation>läuft noch</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Verbindungsaufbau</translation>
    </message>
    <message>
        <source>First byte</source>
        <translation>Erstes Byte</translation>
    </message>
    <message>
        <source>Relayed up</source>
        <translation>Weitergeleitet ↑</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Relayed down</source>
        <translation>Weitergeleitet ↓</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>A tunnel&apos;s payload is not inspected: its target, route, sizes and duration are what is known.</source>
        <translation>Der Inhalt eines Tunnels wird nicht untersucht: Bekannt sind nur Ziel, Route, Größen und Dauer.</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficFilterBar</name>
    <message>
        <source>Filter by host, URL or method (Ctrl+F)</source>
        <translation>Nach Host, URL oder Methode filtern (Strg+F)</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Only failed exchanges: errors, 4xx and 5xx answers, SOCKS failures</source>
        <translation>Nur fehlgeschlagene Vorgänge: Fehler, 4xx- und 5xx-Antworten, SOCKS-Fehler</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Blockiert</translation>
    </message>
    <message>
        <source>Only exchanges a rule blocked</source>
        <translation>Nur von einer Regel blockierte Vorgänge</translation>
    </message>
    <message>
        <source>Only exchanges that took this route</source>
        <translation>Nur Vorgänge, die diese Route genommen haben</translation>
    </message>
    <message>
        <source>Only exchanges of this protocol</source>
        <translation>Nur Vorgänge mit diesem Protokoll</translation>
    </message>
    <message>
        <source>Any protocol</source>
        <translation>Alle Protokolle</translation>
    </message>
    <message>
        <source>Only answers of this status class</source>
        <translation>Nur Antworten dieser Statusklasse</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Alle Status</translation>
    </message>
    <message>
        <source>1xx</source>
        <translation>1xx</translation>
    </message>
    <message>
        <source>2xx success</source>
        <translation>2xx Erfolg</translation>
    </message>
    <message>
        <source>3xx redirection</source>
        <translation>3xx Umleitung</translation>
    </message>
    <message>
        <source>4xx client error</source>
        <translation>4xx Client-Fehler</translation>
    </message>
    <message>
        <source>5xx server error</source>
        <translation>5xx Server-Fehler</translation>
    </message>
    <message>
        <source>No status</source>
        <translation>Kein Status</translation>
    </message>
    <message>
        <source>Any route</source>
        <translation>Alle Routen</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>Direkt</translation>
    </message>
    <message>
        <source>Local</source>
        <translation>Lokal</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>Über %1</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficModel</name>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>direct</source>
        <translation>direkt</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>blockiert</translation>
    </message>
    <message>
        <source>local</source>
        <translation>lokal</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>abgewiesen</translation>
    </message>
    <message>
        <source>default</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>Route %1, by the default action</source>
        <translation>Route %1, durch die Standardaktion</translation>
    </message>
    <message>
        <source>Route %1, by the rule %2</source>
        <translation>Route %1, durch die Regel %2</translation>
    </message>
    <message>
        <source>%1 bytes sent</source>
        <translation>%1 Bytes gesendet</translation>
    </message>
    <message>
        <source>%1 bytes received</source>
        <translation>%1 Bytes empfangen</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Path or target</source>
        <translation>Pfad oder Ziel</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Exchange number</source>
        <translation>Nummer des Vorgangs</translation>
    </message>
    <message>
        <source>The client&apos;s address and port</source>
        <translation>Adresse und Port des Clients</translation>
    </message>
    <message>
        <source>Path and query of a request, or host:port of a tunnel</source>
        <translation>Pfad und Query einer Anfrage oder host:port eines Tunnels</translation>
    </message>
    <message>
        <source>The rule that chose the route (&quot;default&quot;: no rule matched)</source>
        <translation>Die Regel, die die Route bestimmt hat („Standard“: keine Regel traf zu)</translation>
    </message>
    <message>
        <source>Body bytes sent by the client (everything relayed, for tunnels)</source>
        <translation>Vom Client gesendete Inhaltsbytes (bei Tunneln alles Weitergeleitete)</translation>
    </message>
    <message>
        <source>Body bytes received by the client (everything relayed, for tunnels)</source>
        <translation>Vom Client empfangene Inhaltsbytes (bei Tunneln alles Weitergeleitete)</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficPage</name>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <source>Remove every entry (Ctrl+L)</source>
        <translation>Alle Einträge entfernen (Strg+L)</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>Export visible entries as HAR…</source>
        <translation>Sichtbare Einträge als HAR exportieren …</translation>
    </message>
    <message>
        <source>Export selected entries as HAR…</source>
        <translation>Ausgewählte Einträge als HAR exportieren …</translation>
    </message>
    <message>
        <source>Mask secrets in exported files</source>
        <translation>Geheimnisse in exportierten Dateien maskieren</translation>
    </message>
    <message>
        <source>Replace Authorization, Proxy-Authorization, Cookie and Set-Cookie values</source>
        <translation>Die Werte von Authorization, Proxy-Authorization, Cookie und Set-Cookie ersetzen</translation>
    </message>
    <message>
        <source>Import HAR…</source>
        <translation>HAR importieren …</translation>
    </message>
    <message>
        <source>Add the entries of a HAR file to the table, for reading</source>
        <translation>Die Einträge einer HAR-Datei zum Ansehen in die Tabelle aufnehmen</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Save entries as HAR 1.2, for browsers&apos; developer tools</source>
        <translation>Einträge als HAR 1.2 für die Entwicklerwerkzeuge von Browsern speichern</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Show new requests again</source>
        <translation>Neue Anfragen wieder anzeigen</translation>
    </message>
    <message>
        <source>Stop adding new requests to the table; those shown still complete</source>
        <translation>Keine neuen Anfragen mehr in die Tabelle aufnehmen; angezeigte werden noch vervollständigt</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>angehalten</translation>
    </message>
    <message numerus="yes">
        <source>Imported %Ln entries from %1; capture paused</source>
        <translation>
            <numerusform>%Ln Eintrag aus %1 importiert; Mitschnitt angehalten</numerusform>
            <numerusform>%Ln Einträge aus %1 importiert; Mitschnitt angehalten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln entries skipped</source>
        <translation>
            <numerusform>%Ln Eintrag übersprungen</numerusform>
            <numerusform>%Ln Einträge übersprungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Export HAR</source>
        <translation>HAR exportieren</translation>
    </message>
    <message>
        <source>There are no entries in view to export.</source>
        <translation>Es werden keine Einträge angezeigt, die exportiert werden könnten.</translation>
    </message>
    <message>
        <source>Select the entries to export first.</source>
        <translation>Wählen Sie zuerst die zu exportierenden Einträge aus.</translation>
    </message>
    <message>
        <source>HAR files (*.har);;All files (*)</source>
        <translation>HAR-Dateien (*.har);;Alle Dateien (*)</translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln entries to %1</source>
        <translation>
            <numerusform>%Ln Eintrag nach %1 exportiert</numerusform>
            <numerusform>%Ln Einträge nach %1 exportiert</numerusform>
        </translation>
    </message>
    <message>
        <source>Import HAR</source>
        <translation>HAR importieren</translation>
    </message>
    <message numerus="yes">
        <source>%Ln entries</source>
        <translation>
            <numerusform>%Ln Eintrag</numerusform>
            <numerusform>%Ln Einträge</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %Ln entries</source>
        <translation>
            <numerusform>%1 von %Ln Eintrag</numerusform>
            <numerusform>%1 von %Ln Einträgen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficView</name>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrayIcon</name>
    <message>
        <source>Exit</source>
        <translation>Ausgang</translation>
    </message>
    <message numerus="yes">
        <source>↑ %1  ↓ %2  ·  %Ln connection(s)</source>
        <translation>
            <numerusform>↑ %1  ↓ %2  ·  %Ln Verbindung</numerusform>
            <numerusform>↑ %1  ↓ %2  ·  %Ln Verbindungen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SystemProxyBackendFactory</name>
    <message>
        <source>unknown system proxy backend &apos;%1&apos;</source>
        <translation>Unbekanntes Systemproxy-Backend &apos;%1&apos;</translation>
    </message>
    <message>
        <source>cannot change the %1 proxy settings: %2</source>
        <translation>Die Proxy-Einstellungen von %1 können nicht geändert werden: %2</translation>
    </message>
    <message>
        <source>an unknown desktop</source>
        <translation>einem unbekannten Desktop</translation>
    </message>
    <message>
        <source>no way to change the system proxy on %1: GNOME settings: %2; KDE settings: %3</source>
        <translation>Keine Möglichkeit, den Systemproxy auf %1 zu ändern: GNOME-Einstellungen: %2; KDE-Einstellungen: %3</translation>
    </message>
    <message>
        <source>not this desktop</source>
        <translation>nicht dieser Desktop</translation>
    </message>
</context>
<context>
    <name>SystemProxyJournal</name>
    <message>
        <source>cannot create the folder %1</source>
        <translation>Der Ordner %1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is too large to be a Switchyard system proxy journal</source>
        <translation>%1 ist zu groß für ein Systemproxy-Journal von Switchyard</translation>
    </message>
    <message>
        <source>%1 is damaged: %2</source>
        <translation>%1 ist beschädigt: %2</translation>
    </message>
    <message>
        <source>%1 was written by another version of Switchyard</source>
        <translation>%1 wurde von einer anderen Switchyard-Version geschrieben</translation>
    </message>
    <message>
        <source>%1 is damaged: a part is missing</source>
        <translation>%1 ist beschädigt: Ein Teil fehlt</translation>
    </message>
    <message>
        <source>cannot delete %1: %2</source>
        <translation>%1 kann nicht gelöscht werden: %2</translation>
    </message>
</context>
<context>
    <name>SystemProxyTarget</name>
    <message>
        <source>no proxy address</source>
        <translation>Keine Proxy-Adresse</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an IP address</source>
        <translation>&apos;%1&apos; ist keine IP-Adresse</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an address a client can connect to</source>
        <translation>&apos;%1&apos; ist keine Adresse, mit der sich ein Client verbinden kann</translation>
    </message>
    <message>
        <source>no proxy port</source>
        <translation>Kein Proxy-Port</translation>
    </message>
</context>
<context>
    <name>SystemProxyTool</name>
    <message>
        <source>cannot run %1: %2</source>
        <translation>%1 kann nicht ausgeführt werden: %2</translation>
    </message>
    <message>
        <source>%1 did not answer within %2 seconds</source>
        <translation>%1 hat nicht innerhalb von %2 Sekunden geantwortet</translation>
    </message>
    <message>
        <source>%1 crashed</source>
        <translation>%1 ist abgestürzt</translation>
    </message>
    <message>
        <source>%1 failed with exit code %2</source>
        <translation>%1 ist mit Exit-Code %2 fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 fehlgeschlagen: %2</translation>
    </message>
</context>
<context>
    <name>WindowsProxyBackend</name>
    <message>
        <source>Windows (Internet Options)</source>
        <translation>Windows (Internetoptionen)</translation>
    </message>
    <message>
        <source>the Windows proxy settings exist only on Windows</source>
        <translation>Die Windows-Proxy-Einstellungen gibt es nur unter Windows</translation>
    </message>
    <message>
        <source>cannot read the Windows proxy settings: %1</source>
        <translation>Die Windows-Proxy-Einstellungen können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>cannot read the Windows proxy setting %1: %2</source>
        <translation>Die Windows-Proxy-Einstellung %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>the Windows proxy setting %1 has an unexpected type (%2)</source>
        <translation>Die Windows-Proxy-Einstellung %1 hat einen unerwarteten Typ (%2)</translation>
    </message>
    <message>
        <source>cannot change the Windows proxy settings: %1</source>
        <translation>Die Windows-Proxy-Einstellungen können nicht geändert werden: %1</translation>
    </message>
    <message>
        <source>cannot change the Windows proxy setting %1: %2</source>
        <translation>Die Windows-Proxy-Einstellung %1 kann nicht geändert werden: %2</translation>
    </message>
    <message>
        <source>the Windows proxy setting %1 did not change</source>
        <translation>Die Windows-Proxy-Einstellung %1 hat sich nicht geändert</translation>
    </message>
</context>
<context>
    <name>WindowsProxySettings</name>
    <message>
        <source>the saved Windows proxy settings are damaged (%1)</source>
        <translation>Die gesicherten Windows-Proxy-Einstellungen sind beschädigt (%1)</translation>
    </message>
    <message>
        <source>the saved Windows proxy settings are damaged (%1 is missing)</source>
        <translation>Die gesicherten Windows-Proxy-Einstellungen sind beschädigt (%1 fehlt)</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>try &apos;switchyard --help&apos; for the list of options</source>
        <translation>&apos;switchyard --help&apos; zeigt die Liste der Optionen</translation>
    </message>
    <message>
        <source>cannot listen on %1: %2</source>
        <translation>Lauschen auf %1 nicht möglich: %2</translation>
    </message>
    <message>
        <source>no display (DISPLAY and WAYLAND_DISPLAY are unset); use --headless to run without a window</source>
        <translation>Keine Anzeige (DISPLAY und WAYLAND_DISPLAY sind nicht gesetzt); mit --headless ohne Fenster ausführen</translation>
    </message>
    <message>
        <source>Switchyard is already running; its window was brought up.</source>
        <translation>Switchyard läuft bereits; sein Fenster wurde in den Vordergrund geholt.</translation>
    </message>
</context>
</TS>
