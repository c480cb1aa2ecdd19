<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru">
<context>
    <name>AtomicFileWriter</name>
    <message>
        <source>cannot write %1: it is a folder</source>
        <translation>не удаётся записать %1: это папка</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>не удаётся записать %1: %2</translation>
    </message>
    <message>
        <source>cannot restrict the permissions of %1: %2</source>
        <translation>не удаётся ограничить права доступа к %1: %2</translation>
    </message>
    <message>
        <source>cannot write %1: %2 (%3 of %4 bytes written)</source>
        <translation>не удаётся записать %1: %2 (записано %3 из %4 байт)</translation>
    </message>
</context>
<context>
    <name>AutostartEntry</name>
    <message>
        <source>cannot change the Windows Run key %1</source>
        <translation>не удаётся изменить ключ Run в реестре Windows %1</translation>
    </message>
    <message>
        <source>starting at login through the Windows Run key works on Windows only</source>
        <translation>запуск при входе через ключ Run в реестре Windows работает только в Windows</translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation>не удаётся создать папку %1</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>не удаётся записать %1: %2</translation>
    </message>
    <message>
        <source>cannot remove %1: %2</source>
        <translation>не удаётся удалить %1: %2</translation>
    </message>
</context>
<context>
    <name>BodyDecoder</name>
    <message>
        <source>zlib could not start</source>
        <translation>не удалось запустить zlib</translation>
    </message>
    <message>
        <source>decoded body larger than %1 bytes</source>
        <translation>распакованное тело больше %1 байт</translation>
    </message>
    <message>
        <source>no compressed data</source>
        <translation>нет сжатых данных</translation>
    </message>
    <message>
        <source>compressed data ends early</source>
        <translation>сжатые данные обрываются раньше времени</translation>
    </message>
    <message>
        <source>compressed data is damaged after %1 bytes</source>
        <translation>сжатые данные повреждены после %1 байт</translation>
    </message>
    <message>
        <source>not valid compressed data</source>
        <translation>это не сжатые данные</translation>
    </message>
    <message>
        <source>the %1 content coding is not decoded</source>
        <translation>кодирование содержимого %1 не распаковывается</translation>
    </message>
    <message>
        <source>brotli could not start</source>
        <translation>не удалось запустить brotli</translation>
    </message>
    <message>
        <source>not valid brotli data (%1)</source>
        <translation>недопустимые данные brotli (%1)</translation>
    </message>
</context>
<context>
    <name>BodyFormatter</name>
    <message>
        <source>Decoded from %1: %2 sent, %3 decoded</source>
        <translation>Распаковано из %1: отправлено %2, распаковано %3</translation>
    </message>
    <message>
        <source>Decoded from %1 as far as it goes: %2</source>
        <translation>Распаковано из %1, насколько возможно: %2</translation>
    </message>
    <message>
        <source>Shown as sent (%1)</source>
        <translation>Показано в исходном виде (%1)</translation>
    </message>
    <message>
        <source>Only the first %1 of the body were captured</source>
        <translation>Захвачены только первые %1 тела</translation>
    </message>
    <message>
        <source>%1 × %2 pixels, %3</source>
        <translation>%1 × %2 пикселей, %3</translation>
    </message>
    <message>
        <source>Text cut after %1 characters</source>
        <translation>Текст обрезан после %1 символов</translation>
    </message>
    <message>
        <source>Binary, %1</source>
        <translation>Двоичные данные, %1</translation>
    </message>
    <message>
        <source>Hex dump of the first %1</source>
        <translation>Шестнадцатеричный дамп первых %1</translation>
    </message>
</context>
<context>
    <name>CommandLine</name>
    <message>
        <source>Run without a window: proxy and log to the terminal until SIGINT or SIGTERM.</source>
        <translation>Работать без окна: проксировать и писать журнал в терминал до SIGINT или SIGTERM.</translation>
    </message>
    <message>
        <source>Listen on &lt;address&gt;: host:port, [IPv6]:port or port (default %1).</source>
        <translation>Принимать подключения на &lt;address&gt;: host:port, [IPv6]:port или port (по умолчанию %1).</translation>
    </message>
    <message>
        <source>address</source>
        <translation>address</translation>
    </message>
    <message>
        <source>Headless: append one line per finished request to &lt;file&gt; (default: standard error).</source>
        <translation>Без окна: дописывать по строке на каждый завершённый запрос в &lt;file&gt; (по умолчанию — стандартный поток ошибок).</translation>
    </message>
    <message>
        <source>file</source>
        <translation>file</translation>
    </message>
    <message>
        <source>Headless: record every finished exchange with its headers and bodies, and write them as HAR 1.2 to &lt;file&gt; when stopped by SIGINT or SIGTERM. Authorization, Proxy-Authorization, Cookie and Set-Cookie values are masked.</source>
        <translation>Без окна: записывать каждый завершённый запрос с заголовками и телами и сохранить их в &lt;file&gt; в формате HAR 1.2 при остановке по SIGINT или SIGTERM. Значения Authorization, Proxy-Authorization, Cookie и Set-Cookie маскируются.</translation>
    </message>
    <message>
        <source>With --har: keep the values of Authorization, Proxy-Authorization, Cookie and Set-Cookie in the file instead of masking them.</source>
        <translation>С --har: сохранять в файле значения Authorization, Proxy-Authorization, Cookie и Set-Cookie, а не маскировать их.</translation>
    </message>
    <message>
        <source>Add a Via header to forwarded requests.</source>
        <translation>Добавлять заголовок Via к пересылаемым запросам.</translation>
    </message>
    <message>
        <source>Give up opening an outbound connection after &lt;ms&gt; milliseconds (default %1).</source>
        <translation>Прекращать попытку исходящего подключения через &lt;ms&gt; миллисекунд (по умолчанию %1).</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>Serve at most &lt;n&gt; client connections at once (default %1).</source>
        <translation>Обслуживать не более &lt;n&gt; клиентских подключений одновременно (по умолчанию %1).</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>Send all traffic through the exit &lt;uri&gt;: http://, https://, socks5://, socks5h:// (names resolved by the exit) or socks4a://, with optional user:password@. Traffic never falls back to direct if the exit fails.</source>
        <translation>Направлять весь трафик через выходной узел &lt;uri&gt;: http://, https://, socks5://, socks5h:// (имена разрешает выходной узел) или socks4a://, с необязательным user:password@. Если выходной узел не работает, трафик никогда не идёт напрямую.</translation>
    </message>
    <message>
        <source>uri</source>
        <translation>uri</translation>
    </message>
    <message>
        <source>Fetch the --check-url through the exit &lt;uri&gt;, print the status and latency, and exit (0 when it works).</source>
        <translation>Загрузить --check-url через выходной узел &lt;uri&gt;, вывести статус и задержку и завершить работу (код 0, если всё работает).</translation>
    </message>
    <message>
        <source>The URL --check-profile fetches (default %1).</source>
        <translation>URL, который загружает --check-profile (по умолчанию %1).</translation>
    </message>
    <message>
        <source>url</source>
        <translation>url</translation>
    </message>
    <message>
        <source>Read the settings from &lt;file&gt; instead of %1. Headless runs read it and never write it; options given here override it for this run only.</source>
        <translation>Читать настройки из &lt;file&gt; вместо %1. Запуски без окна читают его, но никогда не записывают; указанные здесь параметры переопределяют его только на этот запуск.</translation>
    </message>
    <message>
        <source>Store the password of the exit &lt;profile&gt; (its id or name) in the system keychain, read without echo from the terminal or from standard input, and exit.</source>
        <translation>Сохранить пароль выходного узла &lt;profile&gt; (его id или имя) в системной связке ключей, прочитав его без эха из терминала или со стандартного ввода, и завершить работу.</translation>
    </message>
    <message>
        <source>profile</source>
        <translation>profile</translation>
    </message>
    <message>
        <source>Print which rule decides &lt;target&gt; (a URL, or host:port for tunnels) and where it goes, using the settings file and the options given, and exit.</source>
        <translation>Показать, какое правило применяется к &lt;target&gt; (URL или host:port для туннелей) и куда он направляется, с учётом файла настроек и указанных параметров, и завершить работу.</translation>
    </message>
    <message>
        <source>target</source>
        <translation>target</translation>
    </message>
    <message>
        <source>Headless: point the desktop&apos;s proxy settings (GNOME, KDE, Windows, macOS) at Switchyard once it listens, and put them back exactly as they were on exit, SIGINT or SIGTERM.</source>
        <translation>Без окна: направить настройки прокси рабочего стола (GNOME, KDE, Windows, macOS) на Switchyard, как только он начнёт принимать подключения, и вернуть их в точности как было при выходе, SIGINT или SIGTERM.</translation>
    </message>
    <message>
        <source>Put back the desktop&apos;s proxy settings saved by a Switchyard that stopped while the system proxy pointed at it, and exit (0 restored, 2 nothing to restore, 1 failed).</source>
        <translation>Вернуть настройки прокси рабочего стола, сохранённые экземпляром Switchyard, который остановился, пока системный прокси указывал на него, и завершить работу (0 — восстановлено, 2 — нечего восстанавливать, 1 — ошибка).</translation>
    </message>
    <message>
        <source>Show this help and exit.</source>
        <translation>Показать эту справку и завершить работу.</translation>
    </message>
    <message>
        <source>Show the version and exit.</source>
        <translation>Показать версию и завершить работу.</translation>
    </message>
    <message>
        <source>Switchyard: a local HTTP proxy that shows every request passing through it.</source>
        <translation>Switchyard: локальный HTTP-прокси, показывающий каждый проходящий через него запрос.</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos;</source>
        <translation>неожиданный аргумент «%1»</translation>
    </message>
    <message>
        <source>--config needs a file name</source>
        <translation>для --config нужно имя файла</translation>
    </message>
    <message>
        <source>--restore-system-proxy takes no option but --config (not --%1)</source>
        <translation>--restore-system-proxy не принимает других параметров, кроме --config (не --%1)</translation>
    </message>
    <message>
        <source>--set-password needs the id or name of an exit</source>
        <translation>для --set-password нужен id или имя выходного узла</translation>
    </message>
    <message>
        <source>--set-password takes no option but --config (not --%1)</source>
        <translation>--set-password не принимает других параметров, кроме --config (не --%1)</translation>
    </message>
    <message>
        <source>--system-proxy is for headless runs (add --headless); the window has its own System proxy switch</source>
        <translation>--system-proxy предназначен для запуска без окна (добавьте --headless); в окне есть собственный переключатель «Системный прокси»</translation>
    </message>
    <message>
        <source>--log needs a file name</source>
        <translation>для --log нужно имя файла</translation>
    </message>
    <message>
        <source>--har needs a file name</source>
        <translation>для --har нужно имя файла</translation>
    </message>
    <message>
        <source>--har records headless runs only: add --headless</source>
        <translation>--har записывает только запуски без окна: добавьте --headless</translation>
    </message>
    <message>
        <source>--har-unmasked needs --har</source>
        <translation>--har-unmasked требует --har</translation>
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
        <translation>для --%1 нужно положительное целое число, а не «%2»</translation>
    </message>
    <message>
        <source>Start with the window hidden in the tray (as at login), when the desktop has a tray.</source>
        <translation>Запускаться со скрытым в трее окном (как при входе в систему), если на рабочем столе есть трей.</translation>
    </message>
    <message>
        <source>--hidden is for the window; a headless run has none</source>
        <translation>--hidden относится к окну, а при запуске без окна его нет</translation>
    </message>
</context>
<context>
    <name>CurlCommand</name>
    <message>
        <source># the body above is cut: the capture kept only its start</source>
        <translation># тело выше обрезано: при захвате сохранилось только его начало</translation>
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
        <translation>gsettings не установлен</translation>
    </message>
    <message>
        <source>the GSettings schema %1 is not installed (package gsettings-desktop-schemas)</source>
        <translation>схема GSettings %1 не установлена (пакет gsettings-desktop-schemas)</translation>
    </message>
    <message>
        <source>cannot read the GNOME proxy settings: %1</source>
        <translation>не удаётся прочитать настройки прокси GNOME: %1</translation>
    </message>
    <message>
        <source>cannot read the GNOME proxy settings: gsettings did not list %1</source>
        <translation>не удаётся прочитать настройки прокси GNOME: gsettings не вывел %1</translation>
    </message>
    <message>
        <source>cannot change the GNOME proxy setting %1: %2</source>
        <translation>не удаётся изменить настройку прокси GNOME %1: %2</translation>
    </message>
    <message>
        <source>the GNOME proxy settings did not change (%1 is %2, not %3): without a D-Bus session bus gsettings cannot save</source>
        <translation>настройки прокси GNOME не изменились (%1 = %2, а не %3): без сеансовой шины D-Bus gsettings не может сохранять</translation>
    </message>
    <message>
        <source>the GNOME proxy settings were not restored (%1 is %2, not %3): without a D-Bus session bus gsettings cannot save</source>
        <translation>настройки прокси GNOME не восстановлены (%1 = %2, а не %3): без сеансовой шины D-Bus gsettings не может сохранять</translation>
    </message>
    <message>
        <source>the saved GNOME proxy settings are damaged (%1 is missing)</source>
        <translation>сохранённые настройки прокси GNOME повреждены (отсутствует %1)</translation>
    </message>
</context>
<context>
    <name>HarReader</name>
    <message>
        <source>not valid JSON at byte %1: %2</source>
        <translation>недопустимый JSON в байте %1: %2</translation>
    </message>
    <message>
        <source>not a HAR file: no log.entries</source>
        <translation>это не файл HAR: нет log.entries</translation>
    </message>
    <message>
        <source>entry %1 skipped: it has no request</source>
        <translation>запись %1 пропущена: в ней нет запроса</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>не удаётся открыть %1: %2</translation>
    </message>
    <message>
        <source>%1 is larger than %2 MiB</source>
        <translation>%1 больше %2 МиБ</translation>
    </message>
</context>
<context>
    <name>HarWriter</name>
    <message>
        <source>write failed</source>
        <translation>ошибка записи</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>не удаётся открыть %1: %2</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>не удаётся записать %1: %2</translation>
    </message>
    <message>
        <source>cannot save %1: %2</source>
        <translation>не удаётся сохранить %1: %2</translation>
    </message>
</context>
<context>
    <name>JsonFieldReader</name>
    <message>
        <source>missing</source>
        <translation>отсутствует</translation>
    </message>
    <message>
        <source>must be %1, not %2</source>
        <translation>должно быть: %1, а не %2</translation>
    </message>
    <message>
        <source>true or false</source>
        <translation>true или false</translation>
    </message>
    <message>
        <source>a whole number</source>
        <translation>целое число</translation>
    </message>
    <message>
        <source>must be a whole number from %1 to %2, not %3</source>
        <translation>должно быть целым числом от %1 до %2, а не %3</translation>
    </message>
    <message>
        <source>a string</source>
        <translation>строка</translation>
    </message>
    <message>
        <source>must not be empty</source>
        <translation>не должно быть пустым</translation>
    </message>
    <message>
        <source>is not valid base64</source>
        <translation>недопустимый base64</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>объект</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>список</translation>
    </message>
    <message>
        <source>unknown setting, ignored (it will be dropped when the settings are next saved)</source>
        <translation>неизвестная настройка, пропущена (она будет удалена при следующем сохранении настроек)</translation>
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
        <translation>число %1</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>ничего</translation>
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
        <translation>не установлены kwriteconfig6/kreadconfig6 или kwriteconfig5/kreadconfig5</translation>
    </message>
    <message>
        <source>cannot read the KDE proxy setting %1: %2</source>
        <translation>не удаётся прочитать настройку прокси KDE %1: %2</translation>
    </message>
    <message>
        <source>cannot change the KDE proxy setting %1: %2</source>
        <translation>не удаётся изменить настройку прокси KDE %1: %2</translation>
    </message>
    <message>
        <source>the KDE proxy setting %1 did not change (is kioslaverc writable?)</source>
        <translation>настройка прокси KDE %1 не изменилась (доступен ли kioslaverc для записи?)</translation>
    </message>
    <message>
        <source>the saved KDE proxy settings are damaged (%1 is missing)</source>
        <translation>сохранённые настройки прокси KDE повреждены (отсутствует %1)</translation>
    </message>
</context>
<context>
    <name>MacNetworkSetup</name>
    <message>
        <source>unexpected answer from networksetup: %1</source>
        <translation>неожиданный ответ networksetup: %1</translation>
    </message>
    <message>
        <source>the saved macOS proxy settings are damaged (no services)</source>
        <translation>сохранённые настройки прокси macOS повреждены (нет служб)</translation>
    </message>
    <message>
        <source>the saved macOS proxy settings are damaged</source>
        <translation>сохранённые настройки прокси macOS повреждены</translation>
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
        <translation>отсутствует %1</translation>
    </message>
    <message>
        <source>networksetup exists only on macOS</source>
        <translation>networksetup есть только в macOS</translation>
    </message>
    <message>
        <source>networksetup %1 failed: %2</source>
        <translation>ошибка networksetup %1: %2</translation>
    </message>
    <message>
        <source>macOS lists no network service to set a proxy on</source>
        <translation>в macOS нет сетевой службы, для которой можно задать прокси</translation>
    </message>
    <message>
        <source>the macOS proxy settings did not change (is an administrator needed?)</source>
        <translation>настройки прокси macOS не изменились (возможно, нужны права администратора?)</translation>
    </message>
</context>
<context>
    <name>PasswordPrompt</name>
    <message>
        <source>cannot read standard input: %1</source>
        <translation>не удаётся прочитать стандартный ввод: %1</translation>
    </message>
    <message>
        <source>the password is longer than %1 bytes</source>
        <translation>пароль длиннее %1 байт</translation>
    </message>
    <message>
        <source>cannot turn off echo on the terminal, so the password is not read from it; pipe it in instead</source>
        <translation>не удаётся отключить эхо в терминале, поэтому пароль из него не читается; передайте его через канал</translation>
    </message>
    <message>
        <source>no password was given; nothing was stored</source>
        <translation>пароль не введён; ничего не сохранено</translation>
    </message>
    <message>
        <source>Repeat the password: </source>
        <translation>Повторите пароль: </translation>
    </message>
    <message>
        <source>the two passwords differ; nothing was stored</source>
        <translation>пароли не совпадают; ничего не сохранено</translation>
    </message>
    <message>
        <source>the password is not valid UTF-8 text</source>
        <translation>пароль не является текстом в UTF-8</translation>
    </message>
    <message>
        <source>no password on standard input; nothing was stored</source>
        <translation>на стандартном вводе нет пароля; ничего не сохранено</translation>
    </message>
</context>
<context>
    <name>RuleMatcherNames</name>
    <message>
        <source>Host</source>
        <translation>Хост</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Домен</translation>
    </message>
    <message>
        <source>Wildcard</source>
        <translation>Шаблон</translation>
    </message>
    <message>
        <source>Keyword</source>
        <translation>Ключевое слово</translation>
    </message>
    <message>
        <source>Host regex</source>
        <translation>Регулярное выражение для хоста</translation>
    </message>
    <message>
        <source>URL regex</source>
        <translation>Регулярное выражение для URL</translation>
    </message>
    <message>
        <source>IP range (CIDR)</source>
        <translation>Диапазон IP (CIDR)</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Порт</translation>
    </message>
    <message>
        <source>Exactly this host name.</source>
        <translation>Точно это имя хоста.</translation>
    </message>
    <message>
        <source>The domain and every subdomain of it.</source>
        <translation>Домен и все его поддомены.</translation>
    </message>
    <message>
        <source>A host name pattern: * is any text, ? one character.</source>
        <translation>Шаблон имени хоста: * — любой текст, ? — один символ.</translation>
    </message>
    <message>
        <source>Host names containing this text.</source>
        <translation>Имена хостов, содержащие этот текст.</translation>
    </message>
    <message>
        <source>A regular expression on the host name (case does not matter).</source>
        <translation>Регулярное выражение для имени хоста (без учёта регистра).</translation>
    </message>
    <message>
        <source>A regular expression on the URL of plain HTTP requests, or on host:port for HTTPS and other tunnels.</source>
        <translation>Регулярное выражение для URL обычных HTTP-запросов или для host:port в случае HTTPS и других туннелей.</translation>
    </message>
    <message>
        <source>Destinations given as an IP address within this range (IPv4 or IPv6).</source>
        <translation>Адреса назначения, заданные IP-адресом из этого диапазона (IPv4 или IPv6).</translation>
    </message>
    <message>
        <source>The destination port, or a range of ports.</source>
        <translation>Порт назначения или диапазон портов.</translation>
    </message>
</context>
<context>
    <name>SecretResult</name>
    <message>
        <source>No password is stored in the system keychain for %1.</source>
        <translation>В системной связке ключей нет пароля для %1.</translation>
    </message>
    <message>
        <source>No system keychain is available (%1). Switchyard keeps passwords only in the system keychain (a Secret Service such as GNOME Keyring, KWallet or KeePassXC); start one, or keep the password in memory for this run only.</source>
        <translation>Системная связка ключей недоступна (%1). Switchyard хранит пароли только в системной связке ключей (в службе Secret Service, например GNOME Keyring, KWallet или KeePassXC); запустите её или храните пароль в памяти только на время этого запуска.</translation>
    </message>
    <message>
        <source>The system keychain refused access (%1): it is probably locked and unlocking was declined.</source>
        <translation>Системная связка ключей отказала в доступе (%1): вероятно, она заблокирована, а разблокировка была отклонена.</translation>
    </message>
    <message>
        <source>The system keychain reported an error: %1</source>
        <translation>Системная связка ключей сообщила об ошибке: %1</translation>
    </message>
</context>
<context>
    <name>SettingsCodec</name>
    <message>
        <source>unknown value &quot;%1&quot;; this version of Switchyard knows %2</source>
        <translation>неизвестное значение «%1»; эта версия Switchyard знает %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; contains spaces or control characters</source>
        <translation>«%1» содержит пробелы или управляющие символы</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a host name or IP address</source>
        <translation>«%1» не является именем хоста или IP-адресом</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a Switchyard settings or export file</source>
        <translation>«%1» не является файлом настроек или экспорта Switchyard</translation>
    </message>
    <message>
        <source>a password in plain text: Switchyard keeps passwords only in the system keychain, and drops this one from the file when the settings are next saved</source>
        <translation>пароль открытым текстом: Switchyard хранит пароли только в системной связке ключей и удалит этот пароль из файла при следующем сохранении настроек</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an IP address (or &quot;any&quot;)</source>
        <translation>«%1» не является IP-адресом (или «any»)</translation>
    </message>
    <message>
        <source>must be a port from 1 to 65535, not %1</source>
        <translation>должно быть номером порта от 1 до 65535, а не %1</translation>
    </message>
    <message>
        <source>is longer than 255 bytes, the most SOCKS5 can carry</source>
        <translation>длиннее 255 байт — больше, чем может передать SOCKS5</translation>
    </message>
    <message>
        <source>is needed when inbound authentication is required</source>
        <translation>требуется, когда включена входящая аутентификация</translation>
    </message>
    <message>
        <source>must be an object, not %1</source>
        <translation>должно быть объектом, а не %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid id: up to 128 letters, digits, &apos;.&apos;, &apos;_&apos;, &apos;~&apos; or &apos;-&apos;</source>
        <translation>«%1» — недопустимый id: до 128 букв, цифр, «.», «_», «~» или «-»</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is the id of another exit too; ids must be unique</source>
        <translation>«%1» также является id другого выходного узла; id должны быть уникальными</translation>
    </message>
    <message>
        <source>%1 has the same name; name them apart, or use ids where an exit is asked for</source>
        <translation>у %1 такое же имя; дайте им разные имена или используйте id там, где требуется выходной узел</translation>
    </message>
    <message>
        <source>no exit has the id &quot;%1&quot;; connections sent there are blocked until one does</source>
        <translation>нет выходного узла с id «%1»; направленные туда подключения блокируются, пока такой узел не появится</translation>
    </message>
    <message>
        <source>%1; the rule never matches until it is fixed</source>
        <translation>%1; правило не сработает, пока это не исправлено</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a host name</source>
        <translation>«%1» не является именем хоста</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is listed twice (names are not case-sensitive)</source>
        <translation>«%1» указан дважды (имена не зависят от регистра)</translation>
    </message>
    <message>
        <source>must be an IP address or a list of them, not %1</source>
        <translation>должно быть IP-адресом или их списком, а не %1</translation>
    </message>
    <message>
        <source>%1 is not an IP address</source>
        <translation>%1 не является IP-адресом</translation>
    </message>
    <message>
        <source>names no address</source>
        <translation>не указывает ни одного адреса</translation>
    </message>
    <message>
        <source>must be a width in pixels from 0 to %1, not %2</source>
        <translation>должно быть шириной в пикселях от 0 до %1, а не %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a language code such as &quot;de&quot; or &quot;pt_BR&quot; (empty follows the system)</source>
        <translation>«%1» не является кодом языка, например «de» или «pt_BR» (пустое значение — как в системе)</translation>
    </message>
    <message>
        <source>the file is empty</source>
        <translation>файл пуст</translation>
    </message>
    <message>
        <source>binary data (a zero byte): this is not a settings file</source>
        <translation>двоичные данные (нулевой байт): это не файл настроек</translation>
    </message>
    <message>
        <source>the file is not UTF-8 text: it is damaged or not a settings file</source>
        <translation>файл не является текстом в UTF-8: он повреждён или это не файл настроек</translation>
    </message>
    <message>
        <source>not valid JSON: %1</source>
        <translation>недопустимый JSON: %1</translation>
    </message>
    <message>
        <source>the file holds %1, not a settings object</source>
        <translation>файл содержит %1, а не объект настроек</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>список</translation>
    </message>
    <message>
        <source>a single value</source>
        <translation>одиночное значение</translation>
    </message>
    <message>
        <source>missing; every Switchyard settings file names its version</source>
        <translation>отсутствует; в каждом файле настроек Switchyard указана его версия</translation>
    </message>
    <message>
        <source>must be a whole number, not %1</source>
        <translation>должно быть целым числом, а не %1</translation>
    </message>
    <message>
        <source>the file was written by a newer Switchyard (settings version %1); this one reads versions 1 to %2</source>
        <translation>файл записан более новой версией Switchyard (версия настроек %1); эта версия читает версии с 1 по %2</translation>
    </message>
    <message>
        <source>%1 is not a settings version</source>
        <translation>%1 не является версией настроек</translation>
    </message>
</context>
<context>
    <name>SettingsDocument</name>
    <message>
        <source>there is no exit with the id or name &quot;%1&quot;</source>
        <translation>нет выходного узла с id или именем «%1»</translation>
    </message>
    <message>
        <source>%1 exits are named &quot;%2&quot;; give the id instead (%3)</source>
        <translation>выходных узлов с именем «%2»: %1; укажите вместо имени id (%3)</translation>
    </message>
</context>
<context>
    <name>SettingsLoadResult</name>
    <message>
        <source>The settings in %1 cannot be used:</source>
        <translation>Настройки в %1 нельзя использовать:</translation>
    </message>
    <message>
        <source>The settings in %1 were read, with warnings:</source>
        <translation>Настройки в %1 прочитаны с предупреждениями:</translation>
    </message>
    <message>
        <source>That file was kept as %1.</source>
        <translation>Этот файл сохранён как %1.</translation>
    </message>
    <message>
        <source>Switchyard started from the last good version of the settings (the backup).</source>
        <translation>Switchyard запущен с последней исправной версией настроек (из резервной копии).</translation>
    </message>
    <message>
        <source>The backup cannot be used either:</source>
        <translation>Резервную копию тоже нельзя использовать:</translation>
    </message>
    <message>
        <source>Switchyard started with the default settings.</source>
        <translation>Switchyard запущен с настройками по умолчанию.</translation>
    </message>
    <message>
        <source>The settings were written by an older Switchyard (version %1); they are saved in the current format the next time they are saved.</source>
        <translation>Настройки записаны более старой версией Switchyard (версия %1); при следующем сохранении они будут записаны в текущем формате.</translation>
    </message>
</context>
<context>
    <name>SettingsMigration</name>
    <message>
        <source>it cannot be parsed as a URI</source>
        <translation>не удаётся разобрать как URI</translation>
    </message>
    <message>
        <source>no migration from settings version %1</source>
        <translation>нет миграции с версии настроек %1</translation>
    </message>
    <message>
        <source>not a usable proxy URI: %1</source>
        <translation>непригодный URI прокси: %1</translation>
    </message>
    <message>
        <source>holds a password in plain text: Switchyard keeps passwords only in the system keychain, and drops this one from the file when the settings are next saved</source>
        <translation>содержит пароль открытым текстом: Switchyard хранит пароли только в системной связке ключей и удалит этот пароль из файла при следующем сохранении настроек</translation>
    </message>
    <message>
        <source>must be an object, not %1</source>
        <translation>должно быть объектом, а не %1</translation>
    </message>
    <message>
        <source>unknown rule type &quot;%1&quot;; version 1 knew &quot;host&quot;, &quot;domain&quot;, &quot;wildcard&quot;, &quot;keyword&quot;, &quot;regex&quot; and &quot;cidr&quot;</source>
        <translation>неизвестный тип правила «%1»; версия 1 знала «host», «domain», «wildcard», «keyword», «regex» и «cidr»</translation>
    </message>
    <message>
        <source>&quot;upstream&quot;, but the file names no usable upstream</source>
        <translation>«upstream», но в файле не указан пригодный вышестоящий прокси</translation>
    </message>
    <message>
        <source>unknown action &quot;%1&quot;; version 1 knew &quot;direct&quot;, &quot;upstream&quot; and &quot;block&quot;</source>
        <translation>неизвестное действие «%1»; версия 1 знала «direct», «upstream» и «block»</translation>
    </message>
</context>
<context>
    <name>SettingsStore</name>
    <message>
        <source>cannot open it: %1</source>
        <translation>не удаётся открыть: %1</translation>
    </message>
    <message>
        <source>it is %1 MiB, too big to be settings</source>
        <translation>размер %1 МиБ — слишком большой для файла настроек</translation>
    </message>
    <message>
        <source>cannot read it: %1</source>
        <translation>не удаётся прочитать: %1</translation>
    </message>
    <message>
        <source>it is a folder, not a file</source>
        <translation>это папка, а не файл</translation>
    </message>
    <message>
        <source>The unusable file could not be moved aside to %1; it is left where it is and will not be saved over.</source>
        <translation>Непригодный файл не удалось переместить в %1; он оставлен на месте и не будет перезаписан.</translation>
    </message>
    <message>
        <source>The backup could not be restored: %1</source>
        <translation>Не удалось восстановить резервную копию: %1</translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation>не удаётся создать папку %1</translation>
    </message>
    <message>
        <source>cannot write %1: it is a folder</source>
        <translation>не удаётся записать %1: это папка</translation>
    </message>
    <message>
        <source>%1 is not the version Switchyard read, and it could not be kept aside as %2; the settings were not saved over it</source>
        <translation>%1 — не та версия, которую прочитал Switchyard, и её не удалось отложить как %2; настройки не были записаны поверх неё</translation>
    </message>
    <message>
        <source>%1 could not be read; it was kept as %2</source>
        <translation>не удалось прочитать %1; файл сохранён как %2</translation>
    </message>
    <message>
        <source>%1 had been changed by another program since Switchyard read it; that version was kept as %2</source>
        <translation>%1 был изменён другой программой после того, как Switchyard его прочитал; эта версия сохранена как %2</translation>
    </message>
    <message>
        <source>the backup could not be written, so the settings were not saved: %1</source>
        <translation>не удалось записать резервную копию, поэтому настройки не сохранены: %1</translation>
    </message>
</context>
<context>
    <name>SpeedMeter</name>
    <message>
        <source>%1 B/s</source>
        <translation>%1 Б/с</translation>
    </message>
    <message>
        <source>%1 KB/s</source>
        <translation>%1 КБ/с</translation>
    </message>
    <message>
        <source>%1 MB/s</source>
        <translation>%1 МБ/с</translation>
    </message>
    <message>
        <source>%1 GB/s</source>
        <translation>%1 ГБ/с</translation>
    </message>
</context>
<context>
    <name>Switchyard::AppActions</name>
    <message>
        <source>Proxy enabled</source>
        <translation>Прокси включён</translation>
    </message>
    <message>
        <source>System proxy</source>
        <translation>Системный прокси</translation>
    </message>
    <message>
        <source>Open Switchyard</source>
        <translation>Открыть Switchyard</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
    <message>
        <source>Start or stop listening for proxy clients</source>
        <translation>Начать или прекратить приём подключений от клиентов прокси</translation>
    </message>
    <message>
        <source>Point the desktop&apos;s proxy settings at Switchyard; switching off restores what was there before</source>
        <translation>Направить настройки прокси рабочего стола на Switchyard; при выключении восстанавливается то, что было раньше</translation>
    </message>
</context>
<context>
    <name>Switchyard::DesktopSession</name>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>This desktop has no system tray: closing the window quits Switchyard.</source>
        <translation>На этом рабочем столе нет системного трея: закрытие окна завершает работу Switchyard.</translation>
    </message>
    <message>
        <source>Switchyard keeps running in the tray. Use Quit in its menu to stop it; the Settings page can make closing the window quit.</source>
        <translation>Switchyard продолжает работать в трее. Чтобы остановить его, выберите «Выход» в его меню; на странице «Настройки» можно сделать так, чтобы закрытие окна завершало работу.</translation>
    </message>
    <message>
        <source>added from the traffic view</source>
        <translation>добавлено из просмотра трафика</translation>
    </message>
    <message>
        <source>%1 now goes: %2 (rule 1 on the Rules page)</source>
        <translation>%1 теперь: %2 (правило 1 на странице «Правила»)</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>Правила</translation>
    </message>
    <message>
        <source>Exits</source>
        <translation>Выходные узлы</translation>
    </message>
    <message>
        <source>Start at login could not be changed: %1</source>
        <translation>Не удалось изменить запуск при входе в систему: %1</translation>
    </message>
    <message>
        <source>Switchyard starts at login (%1).</source>
        <translation>Switchyard запускается при входе в систему (%1).</translation>
    </message>
    <message>
        <source>Switchyard no longer starts at login.</source>
        <translation>Switchyard больше не запускается при входе в систему.</translation>
    </message>
</context>
<context>
    <name>Switchyard::EventLogView</name>
    <message>
        <source>Finished requests appear here.</source>
        <translation>Здесь появляются завершённые запросы.</translation>
    </message>
</context>
<context>
    <name>Switchyard::ExitListModel</name>
    <message>
        <source>unchecked</source>
        <translation>не проверен</translation>
    </message>
    <message>
        <source>checking…</source>
        <translation>проверка…</translation>
    </message>
    <message>
        <source>waiting for password</source>
        <translation>ожидает пароль</translation>
    </message>
    <message>
        <source>OK %1 ms</source>
        <translation>OK, %1 мс</translation>
    </message>
    <message>
        <source>failing: %1</source>
        <translation>сбой: %1</translation>
    </message>
    <message>
        <source>%1 (any certificate)</source>
        <translation>%1 (любой сертификат)</translation>
    </message>
    <message>
        <source>Its password is not available yet, so traffic routed through it is blocked.</source>
        <translation>Его пароль пока недоступен, поэтому трафик через него блокируется.</translation>
    </message>
    <message>
        <source>Last check: HTTP %1 after %2 ms</source>
        <translation>Последняя проверка: HTTP %1 за %2 мс</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Тип</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Состояние</translation>
    </message>
</context>
<context>
    <name>Switchyard::ExitPicker</name>
    <message>
        <source>Where traffic goes when no rule matches it</source>
        <translation>Куда идёт трафик, если ни одно правило не подошло</translation>
    </message>
</context>
<context>
    <name>Switchyard::ExitsPage</name>
    <message>
        <source>&amp;New</source>
        <translation>&amp;Новый</translation>
    </message>
    <message>
        <source>&amp;Add as new exit</source>
        <translation>&amp;Добавить как новый узел</translation>
    </message>
    <message>
        <source>&amp;Save changes</source>
        <translation>&amp;Сохранить изменения</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>&amp;Удалить…</translation>
    </message>
    <message>
        <source>&amp;Check</source>
        <translation>&amp;Проверить</translation>
    </message>
    <message>
        <source>Fetch the URL through the selected exit, as saved</source>
        <translation>Загрузить URL через выбранный выходной узел в сохранённом виде</translation>
    </message>
    <message>
        <source>The URL the check fetches through the exit</source>
        <translation>URL, который проверка загружает через выходной узел</translation>
    </message>
    <message>
        <source>Check URL:</source>
        <translation>URL для проверки:</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Не сохранено: %1</translation>
    </message>
    <message>
        <source>Exit “%1” added.</source>
        <translation>Выходной узел «%1» добавлен.</translation>
    </message>
    <message>
        <source>Exit “%1” saved.</source>
        <translation>Выходной узел «%1» сохранён.</translation>
    </message>
    <message>
        <source>Storing the password of “%1” in the system keychain…</source>
        <translation>Сохранение пароля для «%1» в системной связке ключей…</translation>
    </message>
    <message>
        <source>The password of “%1” is stored in the system keychain.</source>
        <translation>Пароль для «%1» сохранён в системной связке ключей.</translation>
    </message>
    <message>
        <source>The password of “%1” is kept in memory until Switchyard quits; it was not written anywhere. %2</source>
        <translation>Пароль для «%1» хранится в памяти до завершения Switchyard; он никуда не записан. %2</translation>
    </message>
    <message>
        <source>The password of “%1” was not stored: %2 Traffic through this exit is blocked until it has its password.</source>
        <translation>Пароль для «%1» не сохранён: %2 Трафик через этот выходной узел блокируется, пока у него нет пароля.</translation>
    </message>
    <message>
        <source>The password of “%1” was not stored: %2</source>
        <translation>Пароль для «%1» не сохранён: %2</translation>
    </message>
    <message>
        <source>Password not stored</source>
        <translation>Пароль не сохранён</translation>
    </message>
    <message>
        <source>Keep the password in memory for this run only? It is not written anywhere, and you will have to enter it again after Switchyard restarts.</source>
        <translation>Хранить пароль в памяти только на время этого запуска? Он никуда не записывается, и после перезапуска Switchyard его придётся ввести снова.</translation>
    </message>
    <message>
        <source>Delete exit</source>
        <translation>Удаление выходного узла</translation>
    </message>
    <message>
        <source>Delete the exit “%1”?</source>
        <translation>Удалить выходной узел «%1»?</translation>
    </message>
    <message numerus="yes">
        <source>%Ln rule(s) route through it; their traffic will be blocked until you change them.</source>
        <translation>
            <numerusform>Через него идёт %Ln правило; его трафик будет блокироваться, пока вы его не измените.</numerusform>
            <numerusform>Через него идут %Ln правила; их трафик будет блокироваться, пока вы их не измените.</numerusform>
            <numerusform>Через него идут %Ln правил; их трафик будет блокироваться, пока вы их не измените.</numerusform>
        </translation>
    </message>
    <message>
        <source>No rule routes through it.</source>
        <translation>Ни одно правило не направляет трафик через него.</translation>
    </message>
    <message>
        <source>Traffic no rule matches goes through it too and will be blocked until you pick another exit.</source>
        <translation>Трафик, не подпадающий ни под одно правило, тоже идёт через него и будет блокироваться, пока вы не выберете другой выходной узел.</translation>
    </message>
    <message>
        <source>Its password is removed from the system keychain.</source>
        <translation>Его пароль удаляется из системной связки ключей.</translation>
    </message>
    <message>
        <source>Not deleted: %1</source>
        <translation>Не удалено: %1</translation>
    </message>
    <message>
        <source>Exit “%1” deleted.</source>
        <translation>Выходной узел «%1» удалён.</translation>
    </message>
    <message>
        <source>The check URL must be an http:// or https:// URL.</source>
        <translation>URL для проверки должен начинаться с http:// или https://.</translation>
    </message>
    <message>
        <source>Not checked: the password of this exit is not available yet.</source>
        <translation>Не проверено: пароль этого выходного узла пока недоступен.</translation>
    </message>
    <message>
        <source>Not checked: this exit is not in use.</source>
        <translation>Не проверено: этот выходной узел не используется.</translation>
    </message>
    <message>
        <source>Checking %1 through “%2”…</source>
        <translation>Проверка %1 через «%2»…</translation>
    </message>
    <message>
        <source>OK: HTTP %1 after %2 ms.</source>
        <translation>OK: HTTP %1 за %2 мс.</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Ошибка: %1</translation>
    </message>
    <message>
        <source>The password of “%1” was removed from the system keychain.</source>
        <translation>Пароль для «%1» удалён из системной связки ключей.</translation>
    </message>
    <message>
        <source>The password of “%1” was not removed: %2</source>
        <translation>Пароль для «%1» не удалён: %2</translation>
    </message>
</context>
<context>
    <name>Switchyard::HeadlessRunner</name>
    <message>
        <source>the proxy did not stop within %1 seconds</source>
        <translation>прокси не остановился за %1 с</translation>
    </message>
    <message>
        <source>cannot open the log file %1: %2</source>
        <translation>не удаётся открыть файл журнала %1: %2</translation>
    </message>
    <message>
        <source>cannot listen on %1: %2</source>
        <translation>не удаётся начать прослушивание %1: %2</translation>
    </message>
    <message>
        <source>the proxy stopped unexpectedly</source>
        <translation>прокси неожиданно остановился</translation>
    </message>
    <message>
        <source>cannot write the log, logging stops: %1</source>
        <translation>не удаётся записать журнал, ведение журнала прекращено: %1</translation>
    </message>
    <message numerus="yes">
        <source>Switchyard wrote %n exchanges to %1</source>
        <translation>
            <numerusform>Switchyard записал %n запрос в %1</numerusform>
            <numerusform>Switchyard записал %n запроса в %1</numerusform>
            <numerusform>Switchyard записал %n запросов в %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Switchyard::MainWindow</name>
    <message>
        <source>Proxy</source>
        <translation>Прокси</translation>
    </message>
    <message>
        <source>Exit:</source>
        <translation>Выходной узел:</translation>
    </message>
    <message>
        <source>Traffic</source>
        <translation>Трафик</translation>
    </message>
    <message>
        <source>Listening on %1</source>
        <translation>Принимает подключения на %1</translation>
    </message>
    <message>
        <source>Not listening (%1)</source>
        <translation>Подключения не принимаются (%1)</translation>
    </message>
    <message numerus="yes">
        <source>%Ln connection(s)</source>
        <translation>
            <numerusform>%Ln подключение</numerusform>
            <numerusform>%Ln подключения</numerusform>
            <numerusform>%Ln подключений</numerusform>
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
        <translation>выходных узлов пока нет: %1 не существует</translation>
    </message>
    <message>
        <source>cannot read the settings in %1, so the exit cannot be found</source>
        <translation>не удаётся прочитать настройки в %1, поэтому выходной узел не найти</translation>
    </message>
    <message>
        <source>%1 (in %2)</source>
        <translation>%1 (в %2)</translation>
    </message>
    <message>
        <source>exit &quot;%1&quot; is SOCKS4a, which has no passwords</source>
        <translation>выходной узел «%1» использует SOCKS4a, в котором нет паролей</translation>
    </message>
    <message>
        <source>note: exit &quot;%1&quot; has no user name; the password is used once it has one</source>
        <translation>примечание: у выходного узла «%1» нет имени пользователя; пароль будет использоваться, когда оно появится</translation>
    </message>
    <message>
        <source>Password for exit &quot;%1&quot;: </source>
        <translation>Пароль для выходного узла «%1»: </translation>
    </message>
    <message>
        <source>The password for exit &quot;%1&quot; (%2) is stored in the system keychain.</source>
        <translation>Пароль для выходного узла «%1» (%2) сохранён в системной связке ключей.</translation>
    </message>
    <message>
        <source>cannot store the password: %1</source>
        <translation>не удаётся сохранить пароль: %1</translation>
    </message>
</context>
<context>
    <name>Switchyard::ProfileForm</name>
    <message>
        <source>&amp;Fill from URI</source>
        <translation>&amp;Заполнить из URI</translation>
    </message>
    <message>
        <source>Resolve names at the exit (no local DNS lookup)</source>
        <translation>Разрешать имена на выходном узле (без локального DNS-запроса)</translation>
    </message>
    <message>
        <source>Accept any certificate (self-signed)</source>
        <translation>Принимать любой сертификат (самоподписанный)</translation>
    </message>
    <message>
        <source>Paste a proxy URI, e.g. socks5h://user:pass@host:1080</source>
        <translation>Вставьте URI прокси, например socks5h://user:pass@host:1080</translation>
    </message>
    <message>
        <source>proxy.example.net or 192.0.2.10</source>
        <translation>proxy.example.net или 192.0.2.10</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(нет)</translation>
    </message>
    <message>
        <source>Warning: any certificate is accepted, so anyone between you and this exit can pretend to be it and read your traffic. Use this only for an exit you run yourself on a network you trust.</source>
        <translation>Внимание: принимается любой сертификат, поэтому любой, кто находится между вами и этим выходным узлом, может выдать себя за него и читать ваш трафик. Используйте это только для выходного узла, который вы сами держите в сети, которой доверяете.</translation>
    </message>
    <message>
        <source>&amp;URI:</source>
        <translation>&amp;URI:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Имя:</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Тип:</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>&amp;Хост:</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Порт:</translation>
    </message>
    <message>
        <source>User na&amp;me:</source>
        <translation>Имя по&amp;льзователя:</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>Па&amp;роль:</translation>
    </message>
    <message>
        <source>user id (optional)</source>
        <translation>id пользователя (необязательно)</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>необязательно</translation>
    </message>
    <message>
        <source>unchanged (in the system keychain); type to replace</source>
        <translation>без изменений (в системной связке ключей); введите новый, чтобы заменить</translation>
    </message>
    <message>
        <source>optional; kept in the system keychain</source>
        <translation>необязательно; хранится в системной связке ключей</translation>
    </message>
    <message>
        <source>Give the exit a name.</source>
        <translation>Дайте выходному узлу имя.</translation>
    </message>
    <message>
        <source>This exit cannot be used: %1</source>
        <translation>Этот выходной узел нельзя использовать: %1</translation>
    </message>
    <message>
        <source>paste a URI such as http://proxy.example:3128 first</source>
        <translation>сначала вставьте URI, например http://proxy.example:3128</translation>
    </message>
    <message>
        <source>Not a usable proxy URI: %1</source>
        <translation>Непригодный URI прокси: %1</translation>
    </message>
    <message>
        <source>&amp;Remove the stored password</source>
        <translation>&amp;Удалить сохранённый пароль</translation>
    </message>
</context>
<context>
    <name>Switchyard::ProxyController</name>
    <message>
        <source>Proxy off</source>
        <translation>Прокси выключен</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Остановка…</translation>
    </message>
    <message>
        <source>Starting on %1…</source>
        <translation>Запуск на %1…</translation>
    </message>
    <message>
        <source>On, %1 — direct</source>
        <translation>Включён, %1 — напрямую</translation>
    </message>
    <message>
        <source>On, %1 — through %2</source>
        <translation>Включён, %1 — через %2</translation>
    </message>
    <message>
        <source>On, %1 — unmatched traffic blocked</source>
        <translation>Включён, %1 — трафик без правил блокируется</translation>
    </message>
    <message>
        <source>Cannot listen on %1: %2</source>
        <translation>Не удаётся начать прослушивание %1: %2</translation>
    </message>
    <message>
        <source>On, %1 — exit &quot;%2&quot; is failing; its traffic is blocked</source>
        <translation>Включён, %1 — выходной узел «%2» не работает; его трафик блокируется</translation>
    </message>
</context>
<context>
    <name>Switchyard::RouteActionCombo</name>
    <message>
        <source>Direct</source>
        <translation>Напрямую</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>Блокировать</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>Через %1</translation>
    </message>
    <message>
        <source>Through %1 (waiting for password)</source>
        <translation>Через %1 (ожидает пароль)</translation>
    </message>
    <message>
        <source>Through %1 (failing)</source>
        <translation>Через %1 (сбой)</translation>
    </message>
    <message>
        <source>Missing exit (blocked)</source>
        <translation>Выходной узел отсутствует (блокировка)</translation>
    </message>
    <message>
        <source>The exit this rule routes through was deleted: its traffic is blocked until you pick another action.</source>
        <translation>Выходной узел, через который направляет это правило, удалён: его трафик блокируется, пока вы не выберете другое действие.</translation>
    </message>
</context>
<context>
    <name>Switchyard::RuleEditDialog</name>
    <message>
        <source>Enabled</source>
        <translation>Включено</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Правило</translation>
    </message>
    <message>
        <source>Optional note for yourself</source>
        <translation>Необязательная заметка для себя</translation>
    </message>
    <message>
        <source>&amp;Matcher:</source>
        <translation>&amp;Сопоставление:</translation>
    </message>
    <message>
        <source>&amp;Pattern:</source>
        <translation>&amp;Шаблон:</translation>
    </message>
    <message>
        <source>&amp;Action:</source>
        <translation>&amp;Действие:</translation>
    </message>
    <message>
        <source>&amp;Comment:</source>
        <translation>&amp;Комментарий:</translation>
    </message>
    <message>
        <source>e.g. %1</source>
        <translation>например, %1</translation>
    </message>
    <message>
        <source>Invalid pattern: %1</source>
        <translation>Недопустимый шаблон: %1</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Не сохранено: %1</translation>
    </message>
</context>
<context>
    <name>Switchyard::RuleImportDialog</name>
    <message>
        <source>Import rules from %1</source>
        <translation>Импорт правил из %1</translation>
    </message>
    <message>
        <source>Detect</source>
        <translation>Определить</translation>
    </message>
    <message>
        <source>AutoProxy / gfwlist</source>
        <translation>AutoProxy / gfwlist</translation>
    </message>
    <message>
        <source>Plain host list / hosts file</source>
        <translation>Простой список хостов / файл hosts</translation>
    </message>
    <message>
        <source>Every line was used.</source>
        <translation>Использованы все строки.</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>&amp;Формат:</translation>
    </message>
    <message>
        <source>&amp;New rules:</source>
        <translation>&amp;Новые правила:</translation>
    </message>
    <message>
        <source>Lines not imported:</source>
        <translation>Неимпортированные строки:</translation>
    </message>
    <message>
        <source>AutoProxy list (base64)</source>
        <translation>Список AutoProxy (base64)</translation>
    </message>
    <message>
        <source>AutoProxy list</source>
        <translation>Список AutoProxy</translation>
    </message>
    <message>
        <source>plain host list</source>
        <translation>простой список хостов</translation>
    </message>
    <message numerus="yes">
        <source>%1: %Ln rule(s) from %2 line(s).</source>
        <translation>
            <numerusform>%1: правил — %Ln, строк — %2.</numerusform>
            <numerusform>%1: правил — %Ln, строк — %2.</numerusform>
            <numerusform>%1: правил — %Ln, строк — %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln line(s) gave rules, </source>
        <translation>
            <numerusform>%Ln строка дала правила, </numerusform>
            <numerusform>%Ln строки дали правила, </numerusform>
            <numerusform>%Ln строк дали правила, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln comment or header line(s), </source>
        <translation>
            <numerusform>%Ln строка комментария или заголовка, </numerusform>
            <numerusform>%Ln строки комментариев или заголовков, </numerusform>
            <numerusform>%Ln строк комментариев или заголовков, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln blank line(s), </source>
        <translation>
            <numerusform>%Ln пустая строка, </numerusform>
            <numerusform>%Ln пустые строки, </numerusform>
            <numerusform>%Ln пустых строк, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln entry(ies) skipped.</source>
        <translation>
            <numerusform>%Ln запись пропущена.</numerusform>
            <numerusform>%Ln записи пропущены.</numerusform>
            <numerusform>%Ln записей пропущено.</numerusform>
        </translation>
    </message>
    <message>
        <source>Exceptions (@@ lines) go direct and come first.</source>
        <translation>Исключения (строки @@) идут напрямую и стоят первыми.</translation>
    </message>
    <message>
        <source>line %1: %2 (%3)</source>
        <translation>строка %1: %2 (%3)</translation>
    </message>
    <message numerus="yes">
        <source>Append %Ln rule(s)</source>
        <translation>
            <numerusform>Добавить %Ln правило</numerusform>
            <numerusform>Добавить %Ln правила</numerusform>
            <numerusform>Добавить %Ln правил</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Switchyard::RuleTableModel</name>
    <message>
        <source>Direct</source>
        <translation>Напрямую</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>Блокировать</translation>
    </message>
    <message>
        <source>blocked: exit missing</source>
        <translation>заблокировано: нет выходного узла</translation>
    </message>
    <message>
        <source>Through %1 (failing)</source>
        <translation>Через %1 (сбой)</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>Через %1</translation>
    </message>
    <message>
        <source>Enabled: this rule takes part in matching</source>
        <translation>Включено: правило участвует в сопоставлении</translation>
    </message>
    <message>
        <source>Disabled: this rule is skipped</source>
        <translation>Выключено: правило пропускается</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>Включено</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Выключено</translation>
    </message>
    <message>
        <source>Invalid pattern, this rule never matches: %1</source>
        <translation>Недопустимый шаблон, правило никогда не сработает: %1</translation>
    </message>
    <message>
        <source>The exit this rule routes through is gone, so its traffic is blocked: %1</source>
        <translation>Выходной узел, через который направляет это правило, исчез, поэтому его трафик блокируется: %1</translation>
    </message>
    <message>
        <source>On</source>
        <translation>Вкл.</translation>
    </message>
    <message>
        <source>Matcher</source>
        <translation>Сопоставление</translation>
    </message>
    <message>
        <source>Pattern</source>
        <translation>Шаблон</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Действие</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
    <message>
        <source>There is no rule #%1.</source>
        <translation>Правила №%1 нет.</translation>
    </message>
</context>
<context>
    <name>Switchyard::RulesPage</name>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Добавить…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Изменить…</translation>
    </message>
    <message>
        <source>D&amp;uplicate</source>
        <translation>Ду&amp;блировать</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Удалить</translation>
    </message>
    <message>
        <source>E&amp;nable</source>
        <translation>&amp;Включить</translation>
    </message>
    <message>
        <source>Di&amp;sable</source>
        <translation>В&amp;ыключить</translation>
    </message>
    <message>
        <source>Move &amp;up</source>
        <translation>Вв&amp;ерх</translation>
    </message>
    <message>
        <source>Move do&amp;wn</source>
        <translation>В&amp;низ</translation>
    </message>
    <message>
        <source>&amp;Import list…</source>
        <translation>И&amp;мпорт списка…</translation>
    </message>
    <message>
        <source>E&amp;xplain</source>
        <translation>&amp;Объяснить</translation>
    </message>
    <message>
        <source>Add a rule after the selected ones (or at the end)</source>
        <translation>Добавить правило после выбранных (или в конец)</translation>
    </message>
    <message>
        <source>Earlier rules win: move the selected rules up</source>
        <translation>Побеждают правила, стоящие выше: переместить выбранные правила вверх</translation>
    </message>
    <message>
        <source>Move the selected rules down</source>
        <translation>Переместить выбранные правила вниз</translation>
    </message>
    <message>
        <source>Append the rules of an AutoProxy/gfwlist or plain host list</source>
        <translation>Добавить в конец правила из списка AutoProxy/gfwlist или простого списка хостов</translation>
    </message>
    <message>
        <source>URL or host:port, e.g. https://example.com/</source>
        <translation>URL или host:port, например https://example.com/</translation>
    </message>
    <message>
        <source>Where does this go?</source>
        <translation>Куда это пойдёт?</translation>
    </message>
    <message>
        <source>Not changed: %1</source>
        <translation>Не изменено: %1</translation>
    </message>
    <message>
        <source>Traffic no rule matches: %1</source>
        <translation>Трафик без подходящего правила: %1</translation>
    </message>
    <message>
        <source>Import a rule list</source>
        <translation>Импорт списка правил</translation>
    </message>
    <message>
        <source>Rule lists (*.txt *.list *.conf);;All files (*)</source>
        <translation>Списки правил (*.txt *.list *.conf);;Все файлы (*)</translation>
    </message>
    <message>
        <source>Add a rule</source>
        <translation>Добавление правила</translation>
    </message>
    <message>
        <source>Edit rule #%1</source>
        <translation>Изменение правила №%1</translation>
    </message>
    <message>
        <source>Not duplicated: %1</source>
        <translation>Не дублировано: %1</translation>
    </message>
    <message>
        <source>Not deleted: %1</source>
        <translation>Не удалено: %1</translation>
    </message>
    <message numerus="yes">
        <source>Deleted %Ln rule(s).</source>
        <translation>
            <numerusform>Удалено %Ln правило.</numerusform>
            <numerusform>Удалено %Ln правила.</numerusform>
            <numerusform>Удалено %Ln правил.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not moved: %1</source>
        <translation>Не перемещено: %1</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Не удаётся прочитать %1: %2</translation>
    </message>
    <message>
        <source>%1 is too big for a rule list (%2 bytes).</source>
        <translation>%1 слишком велик для списка правил (%2 байт).</translation>
    </message>
    <message>
        <source>Nothing imported: %1</source>
        <translation>Ничего не импортировано: %1</translation>
    </message>
    <message numerus="yes">
        <source>Imported %Ln rule(s) from %1; %2 line(s) skipped.</source>
        <translation>
            <numerusform>Импортировано %Ln правило из %1; пропущено строк: %2.</numerusform>
            <numerusform>Импортировано %Ln правила из %1; пропущено строк: %2.</numerusform>
            <numerusform>Импортировано %Ln правил из %1; пропущено строк: %2.</numerusform>
        </translation>
    </message>
    <message>
        <source>Type a URL or host:port to see which rule decides it.</source>
        <translation>Введите URL или host:port, чтобы увидеть, какое правило к нему применяется.</translation>
    </message>
    <message>
        <source>Cannot explain “%1”: %2</source>
        <translation>Не удаётся объяснить «%1»: %2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>No rule matches %1: the default action applies, %2.</source>
        <translation>Ни одно правило не подходит для %1: применяется действие по умолчанию, %2.</translation>
    </message>
    <message>
        <source>Rule #%1 decides %2: %3.
%4</source>
        <translation>Для %2 срабатывает правило №%1: %3.
%4</translation>
    </message>
</context>
<context>
    <name>Switchyard::RunSettings</name>
    <message>
        <source>cannot use the settings in %1; fix them, or point --config at another file (the last good version is in %2)</source>
        <translation>не удаётся использовать настройки в %1; исправьте их или укажите в --config другой файл (последняя исправная версия — в %2)</translation>
    </message>
    <message>
        <source>cannot use the settings in %1; fix them, or point --config at another file</source>
        <translation>не удаётся использовать настройки в %1; исправьте их или укажите в --config другой файл</translation>
    </message>
    <message>
        <source>the password in %1 stays in the settings file: %2</source>
        <translation>пароль в %1 остаётся в файле настроек: %2</translation>
    </message>
    <message>
        <source>The passwords from %1 are now in the system keychain, and no longer in the file.</source>
        <translation>Пароли из %1 теперь хранятся в системной связке ключей, а не в файле.</translation>
    </message>
    <message>
        <source>cannot save the settings without the passwords: %1</source>
        <translation>не удаётся сохранить настройки без паролей: %1</translation>
    </message>
    <message>
        <source>inbound authentication is on but its password cannot be read; not accepting clients without it</source>
        <translation>входящая аутентификация включена, но её пароль не удаётся прочитать; без него клиенты не принимаются</translation>
    </message>
    <message>
        <source>traffic for exit &quot;%1&quot; is blocked in this run: its password cannot be read</source>
        <translation>трафик выходного узла «%1» в этом запуске блокируется: его пароль не удаётся прочитать</translation>
    </message>
</context>
<context>
    <name>Switchyard::SettingsController</name>
    <message>
        <source>Rule %1 (%2) cannot be saved: %3</source>
        <translation>Правило %1 (%2) нельзя сохранить: %3</translation>
    </message>
    <message>
        <source>There is no exit with the id &quot;%1&quot;.</source>
        <translation>Нет выходного узла с id «%1».</translation>
    </message>
    <message>
        <source>The listen address is not an IP address.</source>
        <translation>Адрес для прослушивания не является IP-адресом.</translation>
    </message>
    <message>
        <source>%1 cannot be imported; it has errors.</source>
        <translation>%1 нельзя импортировать: в нём есть ошибки.</translation>
    </message>
    <message>
        <source>Rule %1 of the import cannot be used: %2</source>
        <translation>Правило %1 из импорта нельзя использовать: %2</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>Напрямую</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Заблокировано</translation>
    </message>
    <message>
        <source>Missing exit (blocked)</source>
        <translation>Выходной узел отсутствует (блокировка)</translation>
    </message>
    <message>
        <source>Block (unmatched traffic)</source>
        <translation>Блокировать (трафик без правил)</translation>
    </message>
    <message>
        <source>%1 — failing</source>
        <translation>%1 — сбой</translation>
    </message>
    <message>
        <source>%1 — no password yet</source>
        <translation>%1 — пароля пока нет</translation>
    </message>
    <message>
        <source>The settings could not be saved, so nothing was changed: %1</source>
        <translation>Не удалось сохранить настройки, поэтому ничего не изменено: %1</translation>
    </message>
    <message>
        <source>Clients need a user name to log in with.</source>
        <translation>Клиентам нужно имя пользователя для входа.</translation>
    </message>
    <message>
        <source>The user name is longer than 255 bytes.</source>
        <translation>Имя пользователя длиннее 255 байт.</translation>
    </message>
</context>
<context>
    <name>Switchyard::SettingsPage</name>
    <message>
        <source>Proxy</source>
        <translation>Прокси</translation>
    </message>
    <message>
        <source>Address and port for HTTP, SOCKS5 and SOCKS4a clients. Anything but loopback needs inbound authentication.</source>
        <translation>Адрес и порт для клиентов HTTP, SOCKS5 и SOCKS4a. Для любого адреса, кроме loopback, нужна входящая аутентификация.</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Применить</translation>
    </message>
    <message>
        <source>Listen on:</source>
        <translation>Адрес прослушивания:</translation>
    </message>
    <message>
        <source>Manual: HTTP, HTTPS and SOCKS point at Switchyard</source>
        <translation>Вручную: HTTP, HTTPS и SOCKS указывают на Switchyard</translation>
    </message>
    <message>
        <source>Automatic: the desktop reads Switchyard&apos;s PAC file</source>
        <translation>Автоматически: рабочий стол читает PAC-файл Switchyard</translation>
    </message>
    <message>
        <source>System proxy:</source>
        <translation>Системный прокси:</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>Приложение</translation>
    </message>
    <message>
        <source>Closing the window keeps Switchyard running in the tray</source>
        <translation>При закрытии окна Switchyard продолжает работать в трее</translation>
    </message>
    <message>
        <source>Start Switchyard when I log in</source>
        <translation>Запускать Switchyard при входе в систему</translation>
    </message>
    <message>
        <source>Language (after a restart):</source>
        <translation>Язык (после перезапуска):</translation>
    </message>
    <message>
        <source>Rows kept in the traffic view:</source>
        <translation>Строк в просмотре трафика:</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>Конфигурация</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Экспорт…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Импорт…</translation>
    </message>
    <message>
        <source>Exits (without passwords), rules and options in one file</source>
        <translation>Выходные узлы (без паролей), правила и параметры в одном файле</translation>
    </message>
    <message>
        <source>Switchyard configuration (*.json);;All files (*)</source>
        <translation>Конфигурация Switchyard (*.json);;Все файлы (*)</translation>
    </message>
    <message>
        <source>Export configuration</source>
        <translation>Экспорт конфигурации</translation>
    </message>
    <message>
        <source>Import configuration</source>
        <translation>Импорт конфигурации</translation>
    </message>
    <message>
        <source>Merge the exits and rules of %1 with yours, or replace yours?</source>
        <translation>Объединить выходные узлы и правила из %1 с вашими или заменить ваши?</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>Объединить</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>Заменить</translation>
    </message>
    <message>
        <source>The language changes when Switchyard starts again.</source>
        <translation>Язык сменится при следующем запуске Switchyard.</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Как в системе</translation>
    </message>
    <message>
        <source>Cannot listen on &quot;%1&quot;: %2</source>
        <translation>Не удаётся начать прослушивание «%1»: %2</translation>
    </message>
    <message>
        <source>Listening on %1 would open the proxy to other machines; that needs inbound authentication, which is off.</source>
        <translation>Прослушивание на %1 откроет прокси для других компьютеров; для этого нужна входящая аутентификация, а она выключена.</translation>
    </message>
    <message>
        <source>Listening on %1 from now on.</source>
        <translation>Теперь прослушивается %1.</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Ошибка экспорта: %1</translation>
    </message>
    <message>
        <source>Exported to %1 (passwords are not included).</source>
        <translation>Экспортировано в %1 (без паролей).</translation>
    </message>
    <message>
        <source>%1 cannot be imported:
%2</source>
        <translation>%1 нельзя импортировать:
%2</translation>
    </message>
    <message>
        <source>Imported %1. Exits that need a password ask for it on the Exits page.</source>
        <translation>%1 импортирован. Выходные узлы, которым нужен пароль, запросят его на странице «Выходные узлы».</translation>
    </message>
    <message>
        <source>Client login</source>
        <translation>Вход для клиентов</translation>
    </message>
    <message>
        <source>Clients must log in (needed to listen beyond this computer)</source>
        <translation>Требовать вход от клиентов (нужно для приёма подключений извне этого компьютера)</translation>
    </message>
    <message>
        <source>kept in the system keychain</source>
        <translation>хранится в системной связке ключей</translation>
    </message>
    <message>
        <source>Save login</source>
        <translation>Сохранить данные для входа</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>Имя пользователя:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Пароль:</translation>
    </message>
    <message>
        <source>No keychain</source>
        <translation>Нет связки ключей</translation>
    </message>
    <message>
        <source>%1

Keep the password in memory until Switchyard quits? It is not written anywhere.</source>
        <translation>%1

Хранить пароль в памяти до завершения Switchyard? Он никуда не записывается.</translation>
    </message>
    <message>
        <source>Client login saved.</source>
        <translation>Данные для входа клиентов сохранены.</translation>
    </message>
    <message>
        <source>Clients no longer log in.</source>
        <translation>Клиентам больше не нужно входить.</translation>
    </message>
    <message>
        <source>Client login saved; the password is in the system keychain.</source>
        <translation>Данные для входа клиентов сохранены; пароль хранится в системной связке ключей.</translation>
    </message>
    <message>
        <source>The password is kept in memory until Switchyard quits.</source>
        <translation>Пароль хранится в памяти до завершения Switchyard.</translation>
    </message>
    <message>
        <source>The password was not stored: %1 Clients are refused until it is.</source>
        <translation>Пароль не сохранён: %1 Клиенты получают отказ, пока он не будет сохранён.</translation>
    </message>
    <message>
        <source>Anyone who can reach the port may use the proxy.</source>
        <translation>Прокси может пользоваться любой, кто может подключиться к порту.</translation>
    </message>
    <message>
        <source>No usable password yet: every client is refused.</source>
        <translation>Пригодного пароля пока нет: все клиенты получают отказ.</translation>
    </message>
    <message>
        <source>Clients log in with this user name and the stored password.</source>
        <translation>Клиенты входят с этим именем пользователя и сохранённым паролем.</translation>
    </message>
</context>
<context>
    <name>Switchyard::SingleInstanceGuard</name>
    <message>
        <source>cannot take the lock %1 that guards against a second Switchyard</source>
        <translation>не удаётся захватить блокировку %1, защищающую от запуска второго Switchyard</translation>
    </message>
    <message>
        <source>another Switchyard is running with the same settings file but did not answer; if it hangs, end it and start again</source>
        <translation>другой Switchyard работает с тем же файлом настроек, но не отвечает; если он завис, завершите его и запустите снова</translation>
    </message>
    <message>
        <source>another program answered on %1; it is not a Switchyard of this version</source>
        <translation>на %1 ответила другая программа; это не Switchyard этой версии</translation>
    </message>
    <message>
        <source>cannot listen on %1 for a second Switchyard: %2</source>
        <translation>не удаётся начать прослушивание %1 для связи со вторым Switchyard: %2</translation>
    </message>
    <message>
        <source>cannot use the single-instance socket %1: %2</source>
        <translation>не удаётся использовать сокет единственного экземпляра %1: %2</translation>
    </message>
</context>
<context>
    <name>Switchyard::SystemProxyController</name>
    <message>
        <source>cannot create the folder %1</source>
        <translation>не удаётся создать папку %1</translation>
    </message>
    <message>
        <source>another Switchyard (process %1) has the system proxy on; turn it off there first</source>
        <translation>системный прокси включён другим Switchyard (процесс %1); сначала выключите его там</translation>
    </message>
    <message>
        <source>cannot lock %1</source>
        <translation>не удаётся заблокировать %1</translation>
    </message>
    <message>
        <source>System proxy not changed: %1</source>
        <translation>Системный прокси не изменён: %1</translation>
    </message>
    <message>
        <source>Could not point the %1 proxy settings at %2: %3</source>
        <translation>Не удалось направить настройки прокси %1 на %2: %3</translation>
    </message>
    <message>
        <source>Restoring the settings from before failed too: %1. They are saved in %2; &apos;switchyard --restore-system-proxy&apos; tries again.</source>
        <translation>Восстановить прежние настройки тоже не удалось: %1. Они сохранены в %2; команда «switchyard --restore-system-proxy» попробует снова.</translation>
    </message>
    <message>
        <source>The %1 proxy settings point at Switchyard (%2).</source>
        <translation>Настройки прокси %1 указывают на Switchyard (%2).</translation>
    </message>
    <message>
        <source>Could not restore the %1 proxy settings: %2. They are saved in %3; &apos;switchyard --restore-system-proxy&apos; tries again.</source>
        <translation>Не удалось восстановить настройки прокси %1: %2. Они сохранены в %3; команда «switchyard --restore-system-proxy» попробует снова.</translation>
    </message>
    <message>
        <source>The %1 proxy settings are back as they were.</source>
        <translation>Настройки прокси %1 возвращены как было.</translation>
    </message>
    <message>
        <source>There are no system proxy settings to restore.</source>
        <translation>Нет системных настроек прокси для восстановления.</translation>
    </message>
    <message>
        <source>System proxy settings not restored: %1</source>
        <translation>Системные настройки прокси не восстановлены: %1</translation>
    </message>
    <message>
        <source>The %1 proxy settings were changed since Switchyard pointed them at %2, so they were left as they are; the settings saved before that were dropped.</source>
        <translation>Настройки прокси %1 изменились с тех пор, как Switchyard направил их на %2, поэтому они оставлены как есть; сохранённые до этого настройки удалены.</translation>
    </message>
    <message>
        <source>Could not restore the %1 proxy settings: %2. They are saved in %3.</source>
        <translation>Не удалось восстановить настройки прокси %1: %2. Они сохранены в %3.</translation>
    </message>
    <message>
        <source>Switchyard (process %1) stopped while the system proxy pointed at it; the %2 proxy settings from before are restored.</source>
        <translation>Switchyard (процесс %1) остановился, пока системный прокси указывал на него; прежние настройки прокси %2 восстановлены.</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficBodyView</name>
    <message>
        <source>No body</source>
        <translation>Нет тела</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficContextMenu</name>
    <message>
        <source>Copy URL</source>
        <translation>Копировать URL</translation>
    </message>
    <message>
        <source>Copy as curl</source>
        <translation>Копировать как curl</translation>
    </message>
    <message>
        <source>Copy response body</source>
        <translation>Копировать тело ответа</translation>
    </message>
    <message>
        <source>Route %1</source>
        <translation>Направлять %1</translation>
    </message>
    <message>
        <source>Route all of %1</source>
        <translation>Направлять весь домен %1</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>Напрямую</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>Через %1</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>Блокировать</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficDetailsPane</name>
    <message>
        <source>%1 ms</source>
        <translation>%1 мс</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 с</translation>
    </message>
    <message>
        <source>%1 (%2 bytes)</source>
        <translation>%1 (%2 байт)</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Обзор</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>Запрос</translation>
    </message>
    <message>
        <source>Response</source>
        <translation>Ответ</translation>
    </message>
    <message>
        <source>Show secrets</source>
        <translation>Показать секреты</translation>
    </message>
    <message>
        <source>Show the values of Authorization, Proxy-Authorization, Cookie and Set-Cookie</source>
        <translation>Показать значения Authorization, Proxy-Authorization, Cookie и Set-Cookie</translation>
    </message>
    <message>
        <source>Select an entry to see its details. Enter opens the selected one.</source>
        <translation>Выберите запись, чтобы увидеть подробности. Enter открывает выбранную.</translation>
    </message>
    <message>
        <source>Hide secrets</source>
        <translation>Скрыть секреты</translation>
    </message>
    <message>
        <source>No response yet.</source>
        <translation>Ответа пока нет.</translation>
    </message>
    <message>
        <source>No headers captured (capture may be off).</source>
        <translation>Заголовки не захвачены (возможно, захват выключен).</translation>
    </message>
    <message>
        <source>Click to show this value</source>
        <translation>Нажмите, чтобы показать значение</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Цель</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Метод</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Протокол</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>SOCKS reply</source>
        <translation>Ответ SOCKS</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>Напрямую</translation>
    </message>
    <message>
        <source>Through the exit %1</source>
        <translation>Через выходной узел %1</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Заблокировано</translation>
    </message>
    <message>
        <source>Answered by Switchyard</source>
        <translation>Ответил Switchyard</translation>
    </message>
    <message>
        <source>Refused (connection limit)</source>
        <translation>Отклонено (лимит подключений)</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Неизвестно</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Маршрут</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Правило</translation>
    </message>
    <message>
        <source>none matched: the default action</source>
        <translation>ни одно не подошло: действие по умолчанию</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Начало</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Длительность</translation>
    </message>
    <message>
        <source>still running</source>
        <translation>ещё выполняется</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Подключение</translation>
    </message>
    <message>
        <source>First byte</source>
        <translation>Первый байт</translation>
    </message>
    <message>
        <source>Relayed up</source>
        <translation>Передано к серверу</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Отправлено</translation>
    </message>
    <message>
        <source>Relayed down</source>
        <translation>Передано к клиенту</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Получено</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Ошибка</translation>
    </message>
    <message>
        <source>A tunnel&apos;s payload is not inspected: its target, route, sizes and duration are what is known.</source>
        <translation>Содержимое туннеля не анализируется: известны только его цель, маршрут, объёмы и длительность.</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficFilterBar</name>
    <message>
        <source>Filter by host, URL or method (Ctrl+F)</source>
        <translation>Фильтр по хосту, URL или методу (Ctrl+F)</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Ошибки</translation>
    </message>
    <message>
        <source>Only failed exchanges: errors, 4xx and 5xx answers, SOCKS failures</source>
        <translation>Только неудачные запросы: ошибки, ответы 4xx и 5xx, сбои SOCKS</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Заблокированные</translation>
    </message>
    <message>
        <source>Only exchanges a rule blocked</source>
        <translation>Только запросы, заблокированные правилом</translation>
    </message>
    <message>
        <source>Only exchanges that took this route</source>
        <translation>Только запросы, прошедшие этим маршрутом</translation>
    </message>
    <message>
        <source>Only exchanges of this protocol</source>
        <translation>Только запросы по этому протоколу</translation>
    </message>
    <message>
        <source>Any protocol</source>
        <translation>Любой протокол</translation>
    </message>
    <message>
        <source>Only answers of this status class</source>
        <translation>Только ответы этого класса статусов</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Любой статус</translation>
    </message>
    <message>
        <source>1xx</source>
        <translation>1xx</translation>
    </message>
    <message>
        <source>2xx success</source>
        <translation>2xx — успех</translation>
    </message>
    <message>
        <source>3xx redirection</source>
        <translation>3xx — перенаправление</translation>
    </message>
    <message>
        <source>4xx client error</source>
        <translation>4xx — ошибка клиента</translation>
    </message>
    <message>
        <source>5xx server error</source>
        <translation>5xx — ошибка сервера</translation>
    </message>
    <message>
        <source>No status</source>
        <translation>Без статуса</translation>
    </message>
    <message>
        <source>Any route</source>
        <translation>Любой маршрут</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>Напрямую</translation>
    </message>
    <message>
        <source>Local</source>
        <translation>Локально</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>Через %1</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficModel</name>
    <message>
        <source>%1 ms</source>
        <translation>%1 мс</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 с</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>error</source>
        <translation>ошибка</translation>
    </message>
    <message>
        <source>direct</source>
        <translation>напрямую</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>заблокировано</translation>
    </message>
    <message>
        <source>local</source>
        <translation>локально</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>отклонено</translation>
    </message>
    <message>
        <source>default</source>
        <translation>по умолчанию</translation>
    </message>
    <message>
        <source>Route %1, by the default action</source>
        <translation>Маршрут: %1, по действию по умолчанию</translation>
    </message>
    <message>
        <source>Route %1, by the rule %2</source>
        <translation>Маршрут: %1, по правилу %2</translation>
    </message>
    <message>
        <source>%1 bytes sent</source>
        <translation>Отправлено байт: %1</translation>
    </message>
    <message>
        <source>%1 bytes received</source>
        <translation>Получено байт: %1</translation>
    </message>
    <message>
        <source>#</source>
        <translation>№</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Протокол</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Метод</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Хост</translation>
    </message>
    <message>
        <source>Path or target</source>
        <translation>Путь или цель</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Маршрут</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Правило</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Отправлено</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Получено</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Длительность</translation>
    </message>
    <message>
        <source>Exchange number</source>
        <translation>Номер запроса</translation>
    </message>
    <message>
        <source>The client&apos;s address and port</source>
        <translation>Адрес и порт клиента</translation>
    </message>
    <message>
        <source>Path and query of a request, or host:port of a tunnel</source>
        <translation>Путь и параметры запроса или host:port туннеля</translation>
    </message>
    <message>
        <source>The rule that chose the route (&quot;default&quot;: no rule matched)</source>
        <translation>Правило, выбравшее маршрут («по умолчанию» — ни одно правило не подошло)</translation>
    </message>
    <message>
        <source>Body bytes sent by the client (everything relayed, for tunnels)</source>
        <translation>Байты тела, отправленные клиентом (для туннелей — всё переданное)</translation>
    </message>
    <message>
        <source>Body bytes received by the client (everything relayed, for tunnels)</source>
        <translation>Байты тела, полученные клиентом (для туннелей — всё переданное)</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficPage</name>
    <message>
        <source>Clear</source>
        <translation>Очистить</translation>
    </message>
    <message>
        <source>Remove every entry (Ctrl+L)</source>
        <translation>Удалить все записи (Ctrl+L)</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Фильтр</translation>
    </message>
    <message>
        <source>Export visible entries as HAR…</source>
        <translation>Экспорт видимых записей в HAR…</translation>
    </message>
    <message>
        <source>Export selected entries as HAR…</source>
        <translation>Экспорт выбранных записей в HAR…</translation>
    </message>
    <message>
        <source>Mask secrets in exported files</source>
        <translation>Маскировать секреты в экспортируемых файлах</translation>
    </message>
    <message>
        <source>Replace Authorization, Proxy-Authorization, Cookie and Set-Cookie values</source>
        <translation>Заменять значения Authorization, Proxy-Authorization, Cookie и Set-Cookie</translation>
    </message>
    <message>
        <source>Import HAR…</source>
        <translation>Импорт HAR…</translation>
    </message>
    <message>
        <source>Add the entries of a HAR file to the table, for reading</source>
        <translation>Добавить записи из файла HAR в таблицу для просмотра</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Экспорт</translation>
    </message>
    <message>
        <source>Save entries as HAR 1.2, for browsers&apos; developer tools</source>
        <translation>Сохранить записи в формате HAR 1.2 для инструментов разработчика в браузерах</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Продолжить</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Пауза</translation>
    </message>
    <message>
        <source>Show new requests again</source>
        <translation>Снова показывать новые запросы</translation>
    </message>
    <message>
        <source>Stop adding new requests to the table; those shown still complete</source>
        <translation>Перестать добавлять новые запросы в таблицу; уже показанные будут завершены</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>пауза</translation>
    </message>
    <message numerus="yes">
        <source>Imported %Ln entries from %1; capture paused</source>
        <translation>
            <numerusform>Импортирована %Ln запись из %1; захват приостановлен</numerusform>
            <numerusform>Импортированы %Ln записи из %1; захват приостановлен</numerusform>
            <numerusform>Импортировано %Ln записей из %1; захват приостановлен</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln entries skipped</source>
        <translation>
            <numerusform>Пропущена %Ln запись</numerusform>
            <numerusform>Пропущены %Ln записи</numerusform>
            <numerusform>Пропущено %Ln записей</numerusform>
        </translation>
    </message>
    <message>
        <source>Export HAR</source>
        <translation>Экспорт в HAR</translation>
    </message>
    <message>
        <source>There are no entries in view to export.</source>
        <translation>Нет видимых записей для экспорта.</translation>
    </message>
    <message>
        <source>Select the entries to export first.</source>
        <translation>Сначала выберите записи для экспорта.</translation>
    </message>
    <message>
        <source>HAR files (*.har);;All files (*)</source>
        <translation>Файлы HAR (*.har);;Все файлы (*)</translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln entries to %1</source>
        <translation>
            <numerusform>Экспортирована %Ln запись в %1</numerusform>
            <numerusform>Экспортированы %Ln записи в %1</numerusform>
            <numerusform>Экспортировано %Ln записей в %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Import HAR</source>
        <translation>Импорт HAR</translation>
    </message>
    <message numerus="yes">
        <source>%Ln entries</source>
        <translation>
            <numerusform>%Ln запись</numerusform>
            <numerusform>%Ln записи</numerusform>
            <numerusform>%Ln записей</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %Ln entries</source>
        <translation>
            <numerusform>%1 из %Ln записи</numerusform>
            <numerusform>%1 из %Ln записей</numerusform>
            <numerusform>%1 из %Ln записей</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficView</name>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrayIcon</name>
    <message>
        <source>Exit</source>
        <translation>Выходной узел</translation>
    </message>
    <message numerus="yes">
        <source>↑ %1  ↓ %2  ·  %Ln connection(s)</source>
        <translation>
            <numerusform>↑ %1  ↓ %2  ·  %Ln подключение</numerusform>
            <numerusform>↑ %1  ↓ %2  ·  %Ln подключения</numerusform>
            <numerusform>↑ %1  ↓ %2  ·  %Ln подключений</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SystemProxyBackendFactory</name>
    <message>
        <source>unknown system proxy backend &apos;%1&apos;</source>
        <translation>неизвестный механизм системного прокси «%1»</translation>
    </message>
    <message>
        <source>cannot change the %1 proxy settings: %2</source>
        <translation>не удаётся изменить настройки прокси %1: %2</translation>
    </message>
    <message>
        <source>an unknown desktop</source>
        <translation>неизвестный рабочий стол</translation>
    </message>
    <message>
        <source>no way to change the system proxy on %1: GNOME settings: %2; KDE settings: %3</source>
        <translation>невозможно изменить системный прокси в %1: настройки GNOME: %2; настройки KDE: %3</translation>
    </message>
    <message>
        <source>not this desktop</source>
        <translation>не этот рабочий стол</translation>
    </message>
</context>
<context>
    <name>SystemProxyJournal</name>
    <message>
        <source>cannot create the folder %1</source>
        <translation>не удаётся создать папку %1</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>не удаётся прочитать %1: %2</translation>
    </message>
    <message>
        <source>%1 is too large to be a Switchyard system proxy journal</source>
        <translation>%1 слишком велик для журнала системного прокси Switchyard</translation>
    </message>
    <message>
        <source>%1 is damaged: %2</source>
        <translation>%1 повреждён: %2</translation>
    </message>
    <message>
        <source>%1 was written by another version of Switchyard</source>
        <translation>%1 записан другой версией Switchyard</translation>
    </message>
    <message>
        <source>%1 is damaged: a part is missing</source>
        <translation>%1 повреждён: отсутствует часть</translation>
    </message>
    <message>
        <source>cannot delete %1: %2</source>
        <translation>не удаётся удалить %1: %2</translation>
    </message>
</context>
<context>
    <name>SystemProxyTarget</name>
    <message>
        <source>no proxy address</source>
        <translation>нет адреса прокси</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an IP address</source>
        <translation>«%1» не является IP-адресом</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an address a client can connect to</source>
        <translation>«%1» — не тот адрес, к которому может подключиться клиент</translation>
    </message>
    <message>
        <source>no proxy port</source>
        <translation>нет порта прокси</translation>
    </message>
</context>
<context>
    <name>SystemProxyTool</name>
    <message>
        <source>cannot run %1: %2</source>
        <translation>не удаётся запустить %1: %2</translation>
    </message>
    <message>
        <source>%1 did not answer within %2 seconds</source>
        <translation>%1 не ответил за %2 с</translation>
    </message>
    <message>
        <source>%1 crashed</source>
        <translation>%1 аварийно завершился</translation>
    </message>
    <message>
        <source>%1 failed with exit code %2</source>
        <translation>%1 завершился с кодом ошибки %2</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>ошибка %1: %2</translation>
    </message>
</context>
<context>
    <name>WindowsProxyBackend</name>
    <message>
        <source>Windows (Internet Options)</source>
        <translation>Windows (Свойства браузера)</translation>
    </message>
    <message>
        <source>the Windows proxy settings exist only on Windows</source>
        <translation>настройки прокси Windows есть только в Windows</translation>
    </message>
    <message>
        <source>cannot read the Windows proxy settings: %1</source>
        <translation>не удаётся прочитать настройки прокси Windows: %1</translation>
    </message>
    <message>
        <source>cannot read the Windows proxy setting %1: %2</source>
        <translation>не удаётся прочитать настройку прокси Windows %1: %2</translation>
    </message>
    <message>
        <source>the Windows proxy setting %1 has an unexpected type (%2)</source>
        <translation>настройка прокси Windows %1 имеет неожиданный тип (%2)</translation>
    </message>
    <message>
        <source>cannot change the Windows proxy settings: %1</source>
        <translation>не удаётся изменить настройки прокси Windows: %1</translation>
    </message>
    <message>
        <source>cannot change the Windows proxy setting %1: %2</source>
        <translation>не удаётся изменить настройку прокси Windows %1: %2</translation>
    </message>
    <message>
        <source>the Windows proxy setting %1 did not change</source>
        <translation>настройка прокси Windows %1 не изменилась</translation>
    </message>
</context>
<context>
    <name>WindowsProxySettings</name>
    <message>
        <source>the saved Windows proxy settings are damaged (%1)</source>
        <translation>сохранённые настройки прокси Windows повреждены (%1)</translation>
    </message>
    <message>
        <source>the saved Windows proxy settings are damaged (%1 is missing)</source>
        <translation>сохранённые настройки прокси Windows повреждены (отсутствует %1)</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>try &apos;switchyard --help&apos; for the list of options</source>
        <translation>список параметров: «switchyard --help»</translation>
    </message>
    <message>
        <source>cannot listen on %1: %2</source>
        <translation>не удаётся начать прослушивание %1: %2</translation>
    </message>
    <message>
        <source>no display (DISPLAY and WAYLAND_DISPLAY are unset); use --headless to run without a window</source>
        <translation>нет дисплея (DISPLAY и WAYLAND_DISPLAY не заданы); используйте --headless, чтобы работать без окна</translation>
    </message>
    <message>
        <source>Switchyard is already running; its window was brought up.</source>
        <translation>Switchyard уже запущен; его окно выведено на передний план.</translation>
    </message>
</context>
</TS>
