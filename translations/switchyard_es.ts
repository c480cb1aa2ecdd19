<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es">
<context>
    <name>AtomicFileWriter</name>
    <message>
        <source>cannot write %1: it is a folder</source>
        <translation>no se puede escribir %1: es una carpeta</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>no se puede escribir %1: %2</translation>
    </message>
    <message>
        <source>cannot restrict the permissions of %1: %2</source>
        <translation>no se pueden restringir los permisos de %1: %2</translation>
    </message>
    <message>
        <source>cannot write %1: %2 (%3 of %4 bytes written)</source>
        <translation>no se puede escribir %1: %2 (%3 de %4 bytes escritos)</translation>
    </message>
</context>
<context>
    <name>AutostartEntry</name>
    <message>
        <source>cannot change the Windows Run key %1</source>
        <translation>no se puede cambiar la clave Run de Windows %1</translation>
    </message>
    <message>
        <source>starting at login through the Windows Run key works on Windows only</source>
        <translation>el arranque al iniciar sesión mediante la clave Run de Windows solo funciona en Windows</translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation>no se puede crear la carpeta %1</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>no se puede escribir %1: %2</translation>
    </message>
    <message>
        <source>cannot remove %1: %2</source>
        <translation>no se puede eliminar %1: %2</translation>
    </message>
</context>
<context>
    <name>BodyDecoder</name>
    <message>
        <source>zlib could not start</source>
        <translation>zlib no pudo iniciarse</translation>
    </message>
    <message>
        <source>decoded body larger than %1 bytes</source>
        <translation>cuerpo decodificado mayor de %1 bytes</translation>
    </message>
    <message>
        <source>no compressed data</source>
        <translation>no hay datos comprimidos</translation>
    </message>
    <message>
        <source>compressed data ends early</source>
        <translation>los datos comprimidos terminan antes de tiempo</translation>
    </message>
    <message>
        <source>compressed data is damaged after %1 bytes</source>
        <translation>los datos comprimidos están dañados a partir de %1 bytes</translation>
    </message>
    <message>
        <source>not valid compressed data</source>
        <translation>los datos comprimidos no son válidos</translation>
    </message>
    <message>
        <source>the %1 content coding is not decoded</source>
        <translation>la codificación de contenido %1 no se decodifica</translation>
    </message>
    <message>
        <source>brotli could not start</source>
        <translation>brotli no pudo iniciarse</translation>
    </message>
    <message>
        <source>not valid brotli data (%1)</source>
        <translation>los datos brotli no son válidos (%1)</translation>
    </message>
</context>
<context>
    <name>BodyFormatter</name>
    <message>
        <source>Decoded from %1: %2 sent, %3 decoded</source>
        <translation>Decodificado de %1: %2 enviados, %3 decodificados</translation>
    </message>
    <message>
        <source>Decoded from %1 as far as it goes: %2</source>
        <translation>Decodificado de %1 hasta donde es posible: %2</translation>
    </message>
    <message>
        <source>Shown as sent (%1)</source>
        <translation>Se muestra tal como se envió (%1)</translation>
    </message>
    <message>
        <source>Only the first %1 of the body were captured</source>
        <translation>Solo se capturaron los primeros %1 del cuerpo</translation>
    </message>
    <message>
        <source>%1 × %2 pixels, %3</source>
        <translation>%1 × %2 píxeles, %3</translation>
    </message>
    <message>
        <source>Text cut after %1 characters</source>
        <translation>Texto cortado tras %1 caracteres</translation>
    </message>
    <message>
        <source>Binary, %1</source>
        <translation>Binario, %1</translation>
    </message>
    <message>
        <source>Hex dump of the first %1</source>
        <translation>Volcado hexadecimal de los primeros %1</translation>
    </message>
</context>
<context>
    <name>CommandLine</name>
    <message>
        <source>Run without a window: proxy and log to the terminal until SIGINT or SIGTERM.</source>
        <translation>Ejecutar sin ventana: hacer de proxy y registrar en el terminal hasta recibir SIGINT o SIGTERM.</translation>
    </message>
    <message>
        <source>Listen on &lt;address&gt;: host:port, [IPv6]:port or port (default %1).</source>
        <translation>Escuchar en &lt;dirección&gt;: host:puerto, [IPv6]:puerto o puerto (predeterminado: %1).</translation>
    </message>
    <message>
        <source>address</source>
        <translation>dirección</translation>
    </message>
    <message>
        <source>Headless: append one line per finished request to &lt;file&gt; (default: standard error).</source>
        <translation>Solo con --headless: añadir una línea por cada solicitud terminada a &lt;archivo&gt; (predeterminado: salida de error estándar).</translation>
    </message>
    <message>
        <source>file</source>
        <translation>archivo</translation>
    </message>
    <message>
        <source>Headless: record every finished exchange with its headers and bodies, and write them as HAR 1.2 to &lt;file&gt; when stopped by SIGINT or SIGTERM. Authorization, Proxy-Authorization, Cookie and Set-Cookie values are masked.</source>
        <translation>Solo con --headless: registrar cada intercambio terminado con sus cabeceras y cuerpos, y escribirlos como HAR 1.2 en &lt;archivo&gt; al detenerse por SIGINT o SIGTERM. Los valores de Authorization, Proxy-Authorization, Cookie y Set-Cookie se enmascaran.</translation>
    </message>
    <message>
        <source>With --har: keep the values of Authorization, Proxy-Authorization, Cookie and Set-Cookie in the file instead of masking them.</source>
        <translation>Con --har: conservar en el archivo los valores de Authorization, Proxy-Authorization, Cookie y Set-Cookie en lugar de enmascararlos.</translation>
    </message>
    <message>
        <source>Add a Via header to forwarded requests.</source>
        <translation>Añadir una cabecera Via a las solicitudes reenviadas.</translation>
    </message>
    <message>
        <source>Give up opening an outbound connection after &lt;ms&gt; milliseconds (default %1).</source>
        <translation>Desistir de abrir una conexión saliente tras &lt;ms&gt; milisegundos (predeterminado: %1).</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>Serve at most &lt;n&gt; client connections at once (default %1).</source>
        <translation>Atender como máximo &lt;n&gt; conexiones de clientes a la vez (predeterminado: %1).</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>Send all traffic through the exit &lt;uri&gt;: http://, https://, socks5://, socks5h:// (names resolved by the exit) or socks4a://, with optional user:password@. Traffic never falls back to direct if the exit fails.</source>
        <translation>Enviar todo el tráfico a través de la salida &lt;uri&gt;: http://, https://, socks5://, socks5h:// (la salida resuelve los nombres) o socks4a://, con user:password@ opcional. Si la salida falla, el tráfico nunca pasa a ir directo.</translation>
    </message>
    <message>
        <source>uri</source>
        <translation>uri</translation>
    </message>
    <message>
        <source>Fetch the --check-url through the exit &lt;uri&gt;, print the status and latency, and exit (0 when it works).</source>
        <translation>Obtener la --check-url a través de la salida &lt;uri&gt;, mostrar el estado y la latencia, y terminar (0 si funciona).</translation>
    </message>
    <message>
        <source>The URL --check-profile fetches (default %1).</source>
        <translation>La URL que obtiene --check-profile (predeterminada: %1).</translation>
    </message>
    <message>
        <source>url</source>
        <translation>url</translation>
    </message>
    <message>
        <source>Read the settings from &lt;file&gt; instead of %1. Headless runs read it and never write it; options given here override it for this run only.</source>
        <translation>Leer la configuración de &lt;archivo&gt; en lugar de %1. Las ejecuciones con --headless lo leen y nunca lo escriben; las opciones indicadas aquí lo anulan solo para esta ejecución.</translation>
    </message>
    <message>
        <source>Store the password of the exit &lt;profile&gt; (its id or name) in the system keychain, read without echo from the terminal or from standard input, and exit.</source>
        <translation>Guardar en el llavero del sistema la contraseña de la salida &lt;perfil&gt; (su id o nombre), leída sin eco desde el terminal o desde la entrada estándar, y terminar.</translation>
    </message>
    <message>
        <source>profile</source>
        <translation>perfil</translation>
    </message>
    <message>
        <source>Print which rule decides &lt;target&gt; (a URL, or host:port for tunnels) and where it goes, using the settings file and the options given, and exit.</source>
        <translation>Mostrar qué regla decide sobre &lt;destino&gt; (una URL, o host:puerto para túneles) y adónde va, según el archivo de configuración y las opciones indicadas, y terminar.</translation>
    </message>
    <message>
        <source>target</source>
        <translation>destino</translation>
    </message>
    <message>
        <source>Headless: point the desktop&apos;s proxy settings (GNOME, KDE, Windows, macOS) at Switchyard once it listens, and put them back exactly as they were on exit, SIGINT or SIGTERM.</source>
        <translation>Solo con --headless: apuntar la configuración de proxy del escritorio (GNOME, KDE, Windows, macOS) a Switchyard en cuanto escuche, y dejarla exactamente como estaba al terminar o al recibir SIGINT o SIGTERM.</translation>
    </message>
    <message>
        <source>Put back the desktop&apos;s proxy settings saved by a Switchyard that stopped while the system proxy pointed at it, and exit (0 restored, 2 nothing to restore, 1 failed).</source>
        <translation>Restaurar la configuración de proxy del escritorio guardada por un Switchyard que se detuvo mientras el proxy del sistema apuntaba a él, y terminar (0 restaurada, 2 nada que restaurar, 1 error).</translation>
    </message>
    <message>
        <source>Show this help and exit.</source>
        <translation>Mostrar esta ayuda y terminar.</translation>
    </message>
    <message>
        <source>Show the version and exit.</source>
        <translation>Mostrar la versión y terminar.</translation>
    </message>
    <message>
        <source>Switchyard: a local HTTP proxy that shows every request passing through it.</source>
        <translation>Switchyard: un proxy HTTP local que muestra cada solicitud que pasa por él.</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos;</source>
        <translation>argumento inesperado &apos;%1&apos;</translation>
    </message>
    <message>
        <source>--config needs a file name</source>
        <translation>--config necesita un nombre de archivo</translation>
    </message>
    <message>
        <source>--restore-system-proxy takes no option but --config (not --%1)</source>
        <translation>--restore-system-proxy no admite más opción que --config (no --%1)</translation>
    </message>
    <message>
        <source>--set-password needs the id or name of an exit</source>
        <translation>--set-password necesita el id o el nombre de una salida</translation>
    </message>
    <message>
        <source>--set-password takes no option but --config (not --%1)</source>
        <translation>--set-password no admite más opción que --config (no --%1)</translation>
    </message>
    <message>
        <source>--system-proxy is for headless runs (add --headless); the window has its own System proxy switch</source>
        <translation>--system-proxy es para ejecuciones sin ventana (añada --headless); la ventana tiene su propio interruptor de proxy del sistema</translation>
    </message>
    <message>
        <source>--log needs a file name</source>
        <translation>--log necesita un nombre de archivo</translation>
    </message>
    <message>
        <source>--har needs a file name</source>
        <translation>--har necesita un nombre de archivo</translation>
    </message>
    <message>
        <source>--har records headless runs only: add --headless</source>
        <translation>--har solo registra ejecuciones sin ventana: añada --headless</translation>
    </message>
    <message>
        <source>--har-unmasked needs --har</source>
        <translation>--har-unmasked necesita --har</translation>
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
        <translation>--%1 necesita un número entero positivo, no &apos;%2&apos;</translation>
    </message>
    <message>
        <source>Start with the window hidden in the tray (as at login), when the desktop has a tray.</source>
        <translation>Iniciar con la ventana oculta en la bandeja del sistema (como al iniciar sesión), si el escritorio tiene bandeja.</translation>
    </message>
    <message>
        <source>--hidden is for the window; a headless run has none</source>
        <translation>--hidden es para la ventana; una ejecución con --headless no tiene ninguna</translation>
    </message>
</context>
<context>
    <name>CurlCommand</name>
    <message>
        <source># the body above is cut: the capture kept only its start</source>
        <translation># el cuerpo anterior está cortado: la captura solo conservó su comienzo</translation>
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
        <translation>gsettings no está instalado</translation>
    </message>
    <message>
        <source>the GSettings schema %1 is not installed (package gsettings-desktop-schemas)</source>
        <translation>el esquema de GSettings %1 no está instalado (paquete gsettings-desktop-schemas)</translation>
    </message>
    <message>
        <source>cannot read the GNOME proxy settings: %1</source>
        <translation>no se puede leer la configuración de proxy de GNOME: %1</translation>
    </message>
    <message>
        <source>cannot read the GNOME proxy settings: gsettings did not list %1</source>
        <translation>no se puede leer la configuración de proxy de GNOME: gsettings no incluyó %1</translation>
    </message>
    <message>
        <source>cannot change the GNOME proxy setting %1: %2</source>
        <translation>no se puede cambiar el ajuste de proxy de GNOME %1: %2</translation>
    </message>
    <message>
        <source>the GNOME proxy settings did not change (%1 is %2, not %3): without a D-Bus session bus gsettings cannot save</source>
        <translation>la configuración de proxy de GNOME no cambió (%1 es %2, no %3): sin un bus de sesión D-Bus, gsettings no puede guardar</translation>
    </message>
    <message>
        <source>the GNOME proxy settings were not restored (%1 is %2, not %3): without a D-Bus session bus gsettings cannot save</source>
        <translation>la configuración de proxy de GNOME no se restauró (%1 es %2, no %3): sin un bus de sesión D-Bus, gsettings no puede guardar</translation>
    </message>
    <message>
        <source>the saved GNOME proxy settings are damaged (%1 is missing)</source>
        <translation>la configuración de proxy de GNOME guardada está dañada (falta %1)</translation>
    </message>
</context>
<context>
    <name>HarReader</name>
    <message>
        <source>not valid JSON at byte %1: %2</source>
        <translation>JSON no válido en el byte %1: %2</translation>
    </message>
    <message>
        <source>not a HAR file: no log.entries</source>
        <translation>no es un archivo HAR: no tiene log.entries</translation>
    </message>
    <message>
        <source>entry %1 skipped: it has no request</source>
        <translation>entrada %1 omitida: no tiene solicitud</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>no se puede abrir %1: %2</translation>
    </message>
    <message>
        <source>%1 is larger than %2 MiB</source>
        <translation>%1 ocupa más de %2 MiB</translation>
    </message>
</context>
<context>
    <name>HarWriter</name>
    <message>
        <source>write failed</source>
        <translation>error de escritura</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>no se puede abrir %1: %2</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>no se puede escribir %1: %2</translation>
    </message>
    <message>
        <source>cannot save %1: %2</source>
        <translation>no se puede guardar %1: %2</translation>
    </message>
</context>
<context>
    <name>JsonFieldReader</name>
    <message>
        <source>missing</source>
        <translation>falta</translation>
    </message>
    <message>
        <source>must be %1, not %2</source>
        <translation>debe ser %1, no %2</translation>
    </message>
    <message>
        <source>true or false</source>
        <translation>true o false</translation>
    </message>
    <message>
        <source>a whole number</source>
        <translation>un número entero</translation>
    </message>
    <message>
        <source>must be a whole number from %1 to %2, not %3</source>
        <translation>debe ser un número entero de %1 a %2, no %3</translation>
    </message>
    <message>
        <source>a string</source>
        <translation>una cadena</translation>
    </message>
    <message>
        <source>must not be empty</source>
        <translation>no puede estar vacío</translation>
    </message>
    <message>
        <source>is not valid base64</source>
        <translation>no es base64 válido</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>un objeto</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>una lista</translation>
    </message>
    <message>
        <source>unknown setting, ignored (it will be dropped when the settings are next saved)</source>
        <translation>ajuste desconocido, se ignora (se eliminará la próxima vez que se guarde la configuración)</translation>
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
        <translation>el número %1</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>nada</translation>
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
        <translation>no están instalados kwriteconfig6/kreadconfig6 ni kwriteconfig5/kreadconfig5</translation>
    </message>
    <message>
        <source>cannot read the KDE proxy setting %1: %2</source>
        <translation>no se puede leer el ajuste de proxy de KDE %1: %2</translation>
    </message>
    <message>
        <source>cannot change the KDE proxy setting %1: %2</source>
        <translation>no se puede cambiar el ajuste de proxy de KDE %1: %2</translation>
    </message>
    <message>
        <source>the KDE proxy setting %1 did not change (is kioslaverc writable?)</source>
        <translation>el ajuste de proxy de KDE %1 no cambió (¿se puede escribir en kioslaverc?)</translation>
    </message>
    <message>
        <source>the saved KDE proxy settings are damaged (%1 is missing)</source>
        <translation>la configuración de proxy de KDE guardada está dañada (falta %1)</translation>
    </message>
</context>
<context>
    <name>MacNetworkSetup</name>
    <message>
        <source>unexpected answer from networksetup: %1</source>
        <translation>respuesta inesperada de networksetup: %1</translation>
    </message>
    <message>
        <source>the saved macOS proxy settings are damaged (no services)</source>
        <translation>la configuración de proxy de macOS guardada está dañada (no hay servicios)</translation>
    </message>
    <message>
        <source>the saved macOS proxy settings are damaged</source>
        <translation>la configuración de proxy de macOS guardada está dañada</translation>
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
        <translation>falta %1</translation>
    </message>
    <message>
        <source>networksetup exists only on macOS</source>
        <translation>networksetup solo existe en macOS</translation>
    </message>
    <message>
        <source>networksetup %1 failed: %2</source>
        <translation>networksetup %1 falló: %2</translation>
    </message>
    <message>
        <source>macOS lists no network service to set a proxy on</source>
        <translation>macOS no muestra ningún servicio de red en el que configurar un proxy</translation>
    </message>
    <message>
        <source>the macOS proxy settings did not change (is an administrator needed?)</source>
        <translation>la configuración de proxy de macOS no cambió (¿hace falta un administrador?)</translation>
    </message>
</context>
<context>
    <name>PasswordPrompt</name>
    <message>
        <source>cannot read standard input: %1</source>
        <translation>no se puede leer la entrada estándar: %1</translation>
    </message>
    <message>
        <source>the password is longer than %1 bytes</source>
        <translation>la contraseña ocupa más de %1 bytes</translation>
    </message>
    <message>
        <source>cannot turn off echo on the terminal, so the password is not read from it; pipe it in instead</source>
        <translation>no se puede desactivar el eco del terminal, así que la contraseña no se lee de él; pásela por una tubería</translation>
    </message>
    <message>
        <source>no password was given; nothing was stored</source>
        <translation>no se indicó ninguna contraseña; no se guardó nada</translation>
    </message>
    <message>
        <source>Repeat the password: </source>
        <translation>Repita la contraseña: </translation>
    </message>
    <message>
        <source>the two passwords differ; nothing was stored</source>
        <translation>las dos contraseñas no coinciden; no se guardó nada</translation>
    </message>
    <message>
        <source>the password is not valid UTF-8 text</source>
        <translation>la contraseña no es texto UTF-8 válido</translation>
    </message>
    <message>
        <source>no password on standard input; nothing was stored</source>
        <translation>no hay contraseña en la entrada estándar; no se guardó nada</translation>
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
        <translation>Dominio</translation>
    </message>
    <message>
        <source>Wildcard</source>
        <translation>Comodín</translation>
    </message>
    <message>
        <source>Keyword</source>
        <translation>Palabra clave</translation>
    </message>
    <message>
        <source>Host regex</source>
        <translation>Regex de host</translation>
    </message>
    <message>
        <source>URL regex</source>
        <translation>Regex de URL</translation>
    </message>
    <message>
        <source>IP range (CIDR)</source>
        <translation>Rango de IP (CIDR)</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Puerto</translation>
    </message>
    <message>
        <source>Exactly this host name.</source>
        <translation>Exactamente este nombre de host.</translation>
    </message>
    <message>
        <source>The domain and every subdomain of it.</source>
        <translation>El dominio y todos sus subdominios.</translation>
    </message>
    <message>
        <source>A host name pattern: * is any text, ? one character.</source>
        <translation>Un patrón de nombre de host: * es cualquier texto, ? un carácter.</translation>
    </message>
    <message>
        <source>Host names containing this text.</source>
        <translation>Nombres de host que contienen este texto.</translation>
    </message>
    <message>
        <source>A regular expression on the host name (case does not matter).</source>
        <translation>Una expresión regular sobre el nombre de host (sin distinguir mayúsculas y minúsculas).</translation>
    </message>
    <message>
        <source>A regular expression on the URL of plain HTTP requests, or on host:port for HTTPS and other tunnels.</source>
        <translation>Una expresión regular sobre la URL de las solicitudes HTTP simples, o sobre host:puerto para HTTPS y otros túneles.</translation>
    </message>
    <message>
        <source>Destinations given as an IP address within this range (IPv4 or IPv6).</source>
        <translation>Destinos indicados como dirección IP dentro de este rango (IPv4 o IPv6).</translation>
    </message>
    <message>
        <source>The destination port, or a range of ports.</source>
        <translation>El puerto de destino o un rango de puertos.</translation>
    </message>
</context>
<context>
    <name>SecretResult</name>
    <message>
        <source>No password is stored in the system keychain for %1.</source>
        <translation>No hay ninguna contraseña guardada en el llavero del sistema para %1.</translation>
    </message>
    <message>
        <source>No system keychain is available (%1). Switchyard keeps passwords only in the system keychain (a Secret Service such as GNOME Keyring, KWallet or KeePassXC); start one, or keep the password in memory for this run only.</source>
        <translation>No hay ningún llavero del sistema disponible (%1). Switchyard guarda las contraseñas solo en el llavero del sistema (un Secret Service como GNOME Keyring, KWallet o KeePassXC); inicie uno o mantenga la contraseña en memoria solo durante esta ejecución.</translation>
    </message>
    <message>
        <source>The system keychain refused access (%1): it is probably locked and unlocking was declined.</source>
        <translation>El llavero del sistema denegó el acceso (%1): probablemente está bloqueado y se rechazó desbloquearlo.</translation>
    </message>
    <message>
        <source>The system keychain reported an error: %1</source>
        <translation>El llavero del sistema informó de un error: %1</translation>
    </message>
</context>
<context>
    <name>SettingsCodec</name>
    <message>
        <source>unknown value &quot;%1&quot;; this version of Switchyard knows %2</source>
        <translation>valor desconocido &quot;%1&quot;; esta versión de Switchyard conoce %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; contains spaces or control characters</source>
        <translation>&quot;%1&quot; contiene espacios o caracteres de control</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a host name or IP address</source>
        <translation>&quot;%1&quot; no es un nombre de host ni una dirección IP</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a Switchyard settings or export file</source>
        <translation>&quot;%1&quot; no es un archivo de configuración ni de exportación de Switchyard</translation>
    </message>
    <message>
        <source>a password in plain text: Switchyard keeps passwords only in the system keychain, and drops this one from the file when the settings are next saved</source>
        <translation>una contraseña en texto plano: Switchyard guarda las contraseñas solo en el llavero del sistema y la eliminará del archivo la próxima vez que se guarde la configuración</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an IP address (or &quot;any&quot;)</source>
        <translation>&quot;%1&quot; no es una dirección IP (ni &quot;any&quot;)</translation>
    </message>
    <message>
        <source>must be a port from 1 to 65535, not %1</source>
        <translation>debe ser un puerto de 1 a 65535, no %1</translation>
    </message>
    <message>
        <source>is longer than 255 bytes, the most SOCKS5 can carry</source>
        <translation>ocupa más de 255 bytes, el máximo que admite SOCKS5</translation>
    </message>
    <message>
        <source>is needed when inbound authentication is required</source>
        <translation>es necesario cuando se exige inicio de sesión de clientes</translation>
    </message>
    <message>
        <source>must be an object, not %1</source>
        <translation>debe ser un objeto, no %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid id: up to 128 letters, digits, &apos;.&apos;, &apos;_&apos;, &apos;~&apos; or &apos;-&apos;</source>
        <translation>&quot;%1&quot; no es un id válido: hasta 128 letras, dígitos, &apos;.&apos;, &apos;_&apos;, &apos;~&apos; o &apos;-&apos;</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is the id of another exit too; ids must be unique</source>
        <translation>&quot;%1&quot; también es el id de otra salida; los id deben ser únicos</translation>
    </message>
    <message>
        <source>%1 has the same name; name them apart, or use ids where an exit is asked for</source>
        <translation>%1 tiene el mismo nombre; use nombres distintos o use los id donde se pida una salida</translation>
    </message>
    <message>
        <source>no exit has the id &quot;%1&quot;; connections sent there are blocked until one does</source>
        <translation>ninguna salida tiene el id &quot;%1&quot;; las conexiones enviadas allí se bloquean hasta que alguna lo tenga</translation>
    </message>
    <message>
        <source>%1; the rule never matches until it is fixed</source>
        <translation>%1; la regla no coincidirá con nada hasta que se corrija</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a host name</source>
        <translation>&quot;%1&quot; no es un nombre de host</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is listed twice (names are not case-sensitive)</source>
        <translation>&quot;%1&quot; aparece dos veces (los nombres no distinguen mayúsculas y minúsculas)</translation>
    </message>
    <message>
        <source>must be an IP address or a list of them, not %1</source>
        <translation>debe ser una dirección IP o una lista de ellas, no %1</translation>
    </message>
    <message>
        <source>%1 is not an IP address</source>
        <translation>%1 no es una dirección IP</translation>
    </message>
    <message>
        <source>names no address</source>
        <translation>no indica ninguna dirección</translation>
    </message>
    <message>
        <source>must be a width in pixels from 0 to %1, not %2</source>
        <translation>debe ser un ancho en píxeles de 0 a %1, no %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a language code such as &quot;de&quot; or &quot;pt_BR&quot; (empty follows the system)</source>
        <translation>&quot;%1&quot; no es un código de idioma como &quot;de&quot; o &quot;pt_BR&quot; (vacío sigue al sistema)</translation>
    </message>
    <message>
        <source>the file is empty</source>
        <translation>el archivo está vacío</translation>
    </message>
    <message>
        <source>binary data (a zero byte): this is not a settings file</source>
        <translation>datos binarios (un byte cero): no es un archivo de configuración</translation>
    </message>
    <message>
        <source>the file is not UTF-8 text: it is damaged or not a settings file</source>
        <translation>el archivo no es texto UTF-8: está dañado o no es un archivo de configuración</translation>
    </message>
    <message>
        <source>not valid JSON: %1</source>
        <translation>JSON no válido: %1</translation>
    </message>
    <message>
        <source>the file holds %1, not a settings object</source>
        <translation>el archivo contiene %1, no un objeto de configuración</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>una lista</translation>
    </message>
    <message>
        <source>a single value</source>
        <translation>un valor suelto</translation>
    </message>
    <message>
        <source>missing; every Switchyard settings file names its version</source>
        <translation>falta; todo archivo de configuración de Switchyard indica su versión</translation>
    </message>
    <message>
        <source>must be a whole number, not %1</source>
        <translation>debe ser un número entero, no %1</translation>
    </message>
    <message>
        <source>the file was written by a newer Switchyard (settings version %1); this one reads versions 1 to %2</source>
        <translation>el archivo lo escribió un Switchyard más reciente (versión de configuración %1); este lee las versiones 1 a %2</translation>
    </message>
    <message>
        <source>%1 is not a settings version</source>
        <translation>%1 no es una versión de configuración</translation>
    </message>
</context>
<context>
    <name>SettingsDocument</name>
    <message>
        <source>there is no exit with the id or name &quot;%1&quot;</source>
        <translation>no hay ninguna salida con el id o el nombre &quot;%1&quot;</translation>
    </message>
    <message>
        <source>%1 exits are named &quot;%2&quot;; give the id instead (%3)</source>
        <translation>%1 salidas se llaman &quot;%2&quot;; indique el id en su lugar (%3)</translation>
    </message>
</context>
<context>
    <name>SettingsLoadResult</name>
    <message>
        <source>The settings in %1 cannot be used:</source>
        <translation>La configuración de %1 no se puede usar:</translation>
    </message>
    <message>
        <source>The settings in %1 were read, with warnings:</source>
        <translation>La configuración de %1 se leyó con advertencias:</translation>
    </message>
    <message>
        <source>That file was kept as %1.</source>
        <translation>Ese archivo se conservó como %1.</translation>
    </message>
    <message>
        <source>Switchyard started from the last good version of the settings (the backup).</source>
        <translation>Switchyard se inició con la última versión válida de la configuración (la copia de seguridad).</translation>
    </message>
    <message>
        <source>The backup cannot be used either:</source>
        <translation>Tampoco se puede usar la copia de seguridad:</translation>
    </message>
    <message>
        <source>Switchyard started with the default settings.</source>
        <translation>Switchyard se inició con la configuración predeterminada.</translation>
    </message>
    <message>
        <source>The settings were written by an older Switchyard (version %1); they are saved in the current format the next time they are saved.</source>
        <translation>La configuración la escribió un Switchyard anterior (versión %1); la próxima vez que se guarde, se guardará en el formato actual.</translation>
    </message>
</context>
<context>
    <name>SettingsMigration</name>
    <message>
        <source>it cannot be parsed as a URI</source>
        <translation>no se puede interpretar como URI</translation>
    </message>
    <message>
        <source>no migration from settings version %1</source>
        <translation>no hay migración desde la versión de configuración %1</translation>
    </message>
    <message>
        <source>not a usable proxy URI: %1</source>
        <translation>no es una URI de proxy utilizable: %1</translation>
    </message>
    <message>
        <source>holds a password in plain text: Switchyard keeps passwords only in the system keychain, and drops this one from the file when the settings are next saved</source>
        <translation>contiene una contraseña en texto plano: Switchyard guarda las contraseñas solo en el llavero del sistema y la eliminará del archivo la próxima vez que se guarde la configuración</translation>
    </message>
    <message>
        <source>must be an object, not %1</source>
        <translation>debe ser un objeto, no %1</translation>
    </message>
    <message>
        <source>unknown rule type &quot;%1&quot;; version 1 knew &quot;host&quot;, &quot;domain&quot;, &quot;wildcard&quot;, &quot;keyword&quot;, &quot;regex&quot; and &quot;cidr&quot;</source>
        <translation>tipo de regla desconocido &quot;%1&quot;; la versión 1 conocía &quot;host&quot;, &quot;domain&quot;, &quot;wildcard&quot;, &quot;keyword&quot;, &quot;regex&quot; y &quot;cidr&quot;</translation>
    </message>
    <message>
        <source>&quot;upstream&quot;, but the file names no usable upstream</source>
        <translation>&quot;upstream&quot;, pero el archivo no indica ningún upstream utilizable</translation>
    </message>
    <message>
        <source>unknown action &quot;%1&quot;; version 1 knew &quot;direct&quot;, &quot;upstream&quot; and &quot;block&quot;</source>
        <translation>acción desconocida &quot;%1&quot;; la versión 1 conocía &quot;direct&quot;, &quot;upstream&quot; y &quot;block&quot;</translation>
    </message>
</context>
<context>
    <name>SettingsStore</name>
    <message>
        <source>cannot open it: %1</source>
        <translation>no se puede abrir: %1</translation>
    </message>
    <message>
        <source>it is %1 MiB, too big to be settings</source>
        <translation>ocupa %1 MiB, demasiado para ser una configuración</translation>
    </message>
    <message>
        <source>cannot read it: %1</source>
        <translation>no se puede leer: %1</translation>
    </message>
    <message>
        <source>it is a folder, not a file</source>
        <translation>es una carpeta, no un archivo</translation>
    </message>
    <message>
        <source>The unusable file could not be moved aside to %1; it is left where it is and will not be saved over.</source>
        <translation>No se pudo apartar el archivo inservible a %1; se deja donde está y no se sobrescribirá.</translation>
    </message>
    <message>
        <source>The backup could not be restored: %1</source>
        <translation>No se pudo restaurar la copia de seguridad: %1</translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation>no se puede crear la carpeta %1</translation>
    </message>
    <message>
        <source>cannot write %1: it is a folder</source>
        <translation>no se puede escribir %1: es una carpeta</translation>
    </message>
    <message>
        <source>%1 is not the version Switchyard read, and it could not be kept aside as %2; the settings were not saved over it</source>
        <translation>%1 no es la versión que leyó Switchyard y no se pudo apartar como %2; la configuración no se guardó encima</translation>
    </message>
    <message>
        <source>%1 could not be read; it was kept as %2</source>
        <translation>no se pudo leer %1; se conservó como %2</translation>
    </message>
    <message>
        <source>%1 had been changed by another program since Switchyard read it; that version was kept as %2</source>
        <translation>otro programa modificó %1 después de que Switchyard lo leyera; esa versión se conservó como %2</translation>
    </message>
    <message>
        <source>the backup could not be written, so the settings were not saved: %1</source>
        <translation>no se pudo escribir la copia de seguridad, así que la configuración no se guardó: %1</translation>
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
        <translation>Proxy activado</translation>
    </message>
    <message>
        <source>System proxy</source>
        <translation>Proxy del sistema</translation>
    </message>
    <message>
        <source>Open Switchyard</source>
        <translation>Abrir Switchyard</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message>
        <source>Start or stop listening for proxy clients</source>
        <translation>Empezar o dejar de escuchar a los clientes del proxy</translation>
    </message>
    <message>
        <source>Point the desktop&apos;s proxy settings at Switchyard; switching off restores what was there before</source>
        <translation>Apuntar la configuración de proxy del escritorio a Switchyard; al desactivarlo se restaura la anterior</translation>
    </message>
</context>
<context>
    <name>Switchyard::DesktopSession</name>
    <message>
        <source>Settings</source>
        <translation>Ajustes</translation>
    </message>
    <message>
        <source>This desktop has no system tray: closing the window quits Switchyard.</source>
        <translation>Este escritorio no tiene bandeja del sistema: al cerrar la ventana se sale de Switchyard.</translation>
    </message>
    <message>
        <source>Switchyard keeps running in the tray. Use Quit in its menu to stop it; the Settings page can make closing the window quit.</source>
        <translation>Switchyard sigue ejecutándose en la bandeja del sistema. Use «Salir» en su menú para detenerlo; en la página «Ajustes» puede hacer que al cerrar la ventana se salga.</translation>
    </message>
    <message>
        <source>added from the traffic view</source>
        <translation>añadida desde la vista de tráfico</translation>
    </message>
    <message>
        <source>%1 now goes: %2 (rule 1 on the Rules page)</source>
        <translation>%1 ahora va: %2 (regla 1 de la página «Reglas»)</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>Reglas</translation>
    </message>
    <message>
        <source>Exits</source>
        <translation>Salidas</translation>
    </message>
    <message>
        <source>Start at login could not be changed: %1</source>
        <translation>No se pudo cambiar el arranque al iniciar sesión: %1</translation>
    </message>
    <message>
        <source>Switchyard starts at login (%1).</source>
        <translation>Switchyard se abrirá al iniciar sesión (%1).</translation>
    </message>
    <message>
        <source>Switchyard no longer starts at login.</source>
        <translation>Switchyard ya no se abrirá al iniciar sesión.</translation>
    </message>
</context>
<context>
    <name>Switchyard::EventLogView</name>
    <message>
        <source>Finished requests appear here.</source>
        <translation>Aquí aparecen las solicitudes terminadas.</translation>
    </message>
</context>
<context>
    <name>Switchyard::ExitListModel</name>
    <message>
        <source>unchecked</source>
        <translation>sin comprobar</translation>
    </message>
    <message>
        <source>checking…</source>
        <translation>comprobando…</translation>
    </message>
    <message>
        <source>waiting for password</source>
        <translation>esperando la contraseña</translation>
    </message>
    <message>
        <source>OK %1 ms</source>
        <translation>OK, %1 ms</translation>
    </message>
    <message>
        <source>failing: %1</source>
        <translation>con fallos: %1</translation>
    </message>
    <message>
        <source>%1 (any certificate)</source>
        <translation>%1 (cualquier certificado)</translation>
    </message>
    <message>
        <source>Its password is not available yet, so traffic routed through it is blocked.</source>
        <translation>Su contraseña aún no está disponible, así que el tráfico enrutado por ella se bloquea.</translation>
    </message>
    <message>
        <source>Last check: HTTP %1 after %2 ms</source>
        <translation>Última comprobación: HTTP %1 tras %2 ms</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Dirección</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
</context>
<context>
    <name>Switchyard::ExitPicker</name>
    <message>
        <source>Where traffic goes when no rule matches it</source>
        <translation>Adónde va el tráfico con el que no coincide ninguna regla</translation>
    </message>
</context>
<context>
    <name>Switchyard::ExitsPage</name>
    <message>
        <source>&amp;New</source>
        <translation>&amp;Nueva</translation>
    </message>
    <message>
        <source>&amp;Add as new exit</source>
        <translation>&amp;Añadir como salida nueva</translation>
    </message>
    <message>
        <source>&amp;Save changes</source>
        <translation>&amp;Guardar cambios</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>&amp;Eliminar…</translation>
    </message>
    <message>
        <source>&amp;Check</source>
        <translation>&amp;Comprobar</translation>
    </message>
    <message>
        <source>Fetch the URL through the selected exit, as saved</source>
        <translation>Obtener la URL a través de la salida seleccionada, tal como está guardada</translation>
    </message>
    <message>
        <source>The URL the check fetches through the exit</source>
        <translation>La URL que la comprobación obtiene a través de la salida</translation>
    </message>
    <message>
        <source>Check URL:</source>
        <translation>URL de comprobación:</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>No se guardó: %1</translation>
    </message>
    <message>
        <source>Exit “%1” added.</source>
        <translation>Salida “%1” añadida.</translation>
    </message>
    <message>
        <source>Exit “%1” saved.</source>
        <translation>Salida “%1” guardada.</translation>
    </message>
    <message>
        <source>Storing the password of “%1” in the system keychain…</source>
        <translation>Guardando la contraseña de “%1” en el llavero del sistema…</translation>
    </message>
    <message>
        <source>The password of “%1” is stored in the system keychain.</source>
        <translation>La contraseña de “%1” está guardada en el llavero del sistema.</translation>
    </message>
    <message>
        <source>The password of “%1” is kept in memory until Switchyard quits; it was not written anywhere. %2</source>
        <translation>La contraseña de “%1” se mantiene en memoria hasta que salga de Switchyard; no se ha escrito en ningún sitio. %2</translation>
    </message>
    <message>
        <source>The password of “%1” was not stored: %2 Traffic through this exit is blocked until it has its password.</source>
        <translation>La contraseña de “%1” no se guardó: %2 El tráfico a través de esta salida se bloquea hasta que tenga su contraseña.</translation>
    </message>
    <message>
        <source>The password of “%1” was not stored: %2</source>
        <translation>La contraseña de “%1” no se guardó: %2</translation>
    </message>
    <message>
        <source>Password not stored</source>
        <translation>Contraseña no guardada</translation>
    </message>
    <message>
        <source>Keep the password in memory for this run only? It is not written anywhere, and you will have to enter it again after Switchyard restarts.</source>
        <translation>¿Mantener la contraseña en memoria solo durante esta ejecución? No se escribe en ningún sitio y tendrá que volver a introducirla cuando Switchyard se reinicie.</translation>
    </message>
    <message>
        <source>Delete exit</source>
        <translation>Eliminar salida</translation>
    </message>
    <message>
        <source>Delete the exit “%1”?</source>
        <translation>¿Eliminar la salida “%1”?</translation>
    </message>
    <message numerus="yes">
        <source>%Ln rule(s) route through it; their traffic will be blocked until you change them.</source>
        <translation>
            <numerusform>%Ln regla enruta por ella; su tráfico se bloqueará hasta que la cambie.</numerusform>
            <numerusform>%Ln reglas enrutan por ella; su tráfico se bloqueará hasta que las cambie.</numerusform>
        </translation>
    </message>
    <message>
        <source>No rule routes through it.</source>
        <translation>Ninguna regla enruta por ella.</translation>
    </message>
    <message>
        <source>Traffic no rule matches goes through it too and will be blocked until you pick another exit.</source>
        <translation>El tráfico con el que no coincide ninguna regla también pasa por ella y se bloqueará hasta que elija otra salida.</translation>
    </message>
    <message>
        <source>Its password is removed from the system keychain.</source>
        <translation>Su contraseña se eliminará del llavero del sistema.</translation>
    </message>
    <message>
        <source>Not deleted: %1</source>
        <translation>No se eliminó: %1</translation>
    </message>
    <message>
        <source>Exit “%1” deleted.</source>
        <translation>Salida “%1” eliminada.</translation>
    </message>
    <message>
        <source>The check URL must be an http:// or https:// URL.</source>
        <translation>La URL de comprobación debe ser una URL http:// o https://.</translation>
    </message>
    <message>
        <source>Not checked: the password of this exit is not available yet.</source>
        <translation>No se comprobó: la contraseña de esta salida aún no está disponible.</translation>
    </message>
    <message>
        <source>Not checked: this exit is not in use.</source>
        <translation>No se comprobó: esta salida no está en uso.</translation>
    </message>
    <message>
        <source>Checking %1 through “%2”…</source>
        <translation>Comprobando %1 a través de “%2”…</translation>
    </message>
    <message>
        <source>OK: HTTP %1 after %2 ms.</source>
        <translation>OK: HTTP %1 tras %2 ms.</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Error: %1</translation>
    </message>
    <message>
        <source>The password of “%1” was removed from the system keychain.</source>
        <translation>La contraseña de “%1” se quitó del llavero del sistema.</translation>
    </message>
    <message>
        <source>The password of “%1” was not removed: %2</source>
        <translation>La contraseña de “%1” no se quitó: %2</translation>
    </message>
</context>
<context>
    <name>Switchyard::HeadlessRunner</name>
    <message>
        <source>the proxy did not stop within %1 seconds</source>
        <translation>el proxy no se detuvo en %1 segundos</translation>
    </message>
    <message>
        <source>cannot open the log file %1: %2</source>
        <translation>no se puede abrir el archivo de registro %1: %2</translation>
    </message>
    <message>
        <source>cannot listen on %1: %2</source>
        <translation>no se puede escuchar en %1: %2</translation>
    </message>
    <message>
        <source>the proxy stopped unexpectedly</source>
        <translation>el proxy se detuvo de forma inesperada</translation>
    </message>
    <message>
        <source>cannot write the log, logging stops: %1</source>
        <translation>no se puede escribir el registro; se deja de registrar: %1</translation>
    </message>
    <message numerus="yes">
        <source>Switchyard wrote %n exchanges to %1</source>
        <translation>
            <numerusform>Switchyard escribió %n intercambio en %1</numerusform>
            <numerusform>Switchyard escribió %n intercambios en %1</numerusform>
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
        <translation>Salida:</translation>
    </message>
    <message>
        <source>Traffic</source>
        <translation>Tráfico</translation>
    </message>
    <message>
        <source>Listening on %1</source>
        <translation>Escuchando en %1</translation>
    </message>
    <message>
        <source>Not listening (%1)</source>
        <translation>Sin escuchar (%1)</translation>
    </message>
    <message numerus="yes">
        <source>%Ln connection(s)</source>
        <translation>
            <numerusform>%Ln conexión</numerusform>
            <numerusform>%Ln conexiones</numerusform>
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
        <translation>todavía no hay salidas: %1 no existe</translation>
    </message>
    <message>
        <source>cannot read the settings in %1, so the exit cannot be found</source>
        <translation>no se puede leer la configuración de %1, así que no se encuentra la salida</translation>
    </message>
    <message>
        <source>%1 (in %2)</source>
        <translation>%1 (en %2)</translation>
    </message>
    <message>
        <source>exit &quot;%1&quot; is SOCKS4a, which has no passwords</source>
        <translation>la salida &quot;%1&quot; es SOCKS4a, que no admite contraseñas</translation>
    </message>
    <message>
        <source>note: exit &quot;%1&quot; has no user name; the password is used once it has one</source>
        <translation>nota: la salida &quot;%1&quot; no tiene nombre de usuario; la contraseña se usará cuando lo tenga</translation>
    </message>
    <message>
        <source>Password for exit &quot;%1&quot;: </source>
        <translation>Contraseña de la salida &quot;%1&quot;: </translation>
    </message>
    <message>
        <source>The password for exit &quot;%1&quot; (%2) is stored in the system keychain.</source>
        <translation>La contraseña de la salida &quot;%1&quot; (%2) está guardada en el llavero del sistema.</translation>
    </message>
    <message>
        <source>cannot store the password: %1</source>
        <translation>no se puede guardar la contraseña: %1</translation>
    </message>
</context>
<context>
    <name>Switchyard::ProfileForm</name>
    <message>
        <source>&amp;Fill from URI</source>
        <translation>&amp;Rellenar desde URI</translation>
    </message>
    <message>
        <source>Resolve names at the exit (no local DNS lookup)</source>
        <translation>Resolver los nombres en la salida (sin consulta DNS local)</translation>
    </message>
    <message>
        <source>Accept any certificate (self-signed)</source>
        <translation>Aceptar cualquier certificado (autofirmado)</translation>
    </message>
    <message>
        <source>Paste a proxy URI, e.g. socks5h://user:pass@host:1080</source>
        <translation>Pegue una URI de proxy, p. ej. socks5h://user:pass@host:1080</translation>
    </message>
    <message>
        <source>proxy.example.net or 192.0.2.10</source>
        <translation>proxy.example.net o 192.0.2.10</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(ninguna)</translation>
    </message>
    <message>
        <source>Warning: any certificate is accepted, so anyone between you and this exit can pretend to be it and read your traffic. Use this only for an exit you run yourself on a network you trust.</source>
        <translation>Atención: se acepta cualquier certificado, así que cualquiera que esté entre usted y esta salida puede hacerse pasar por ella y leer su tráfico. Úselo solo con una salida que gestione usted mismo en una red de confianza.</translation>
    </message>
    <message>
        <source>&amp;URI:</source>
        <translation>&amp;URI:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>N&amp;ombre:</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Tipo:</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>&amp;Host:</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Puerto:</translation>
    </message>
    <message>
        <source>User na&amp;me:</source>
        <translation>Nom&amp;bre de usuario:</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>Contra&amp;seña:</translation>
    </message>
    <message>
        <source>user id (optional)</source>
        <translation>id de usuario (opcional)</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>opcional</translation>
    </message>
    <message>
        <source>unchanged (in the system keychain); type to replace</source>
        <translation>sin cambios (en el llavero del sistema); escriba para reemplazarla</translation>
    </message>
    <message>
        <source>optional; kept in the system keychain</source>
        <translation>opcional; se guarda en el llavero del sistema</translation>
    </message>
    <message>
        <source>Give the exit a name.</source>
        <translation>Dé un nombre a la salida.</translation>
    </message>
    <message>
        <source>This exit cannot be used: %1</source>
        <translation>Esta salida no se puede usar: %1</translation>
    </message>
    <message>
        <source>paste a URI such as http://proxy.example:3128 first</source>
        <translation>pegue primero una URI como http://proxy.example:3128</translation>
    </message>
    <message>
        <source>Not a usable proxy URI: %1</source>
        <translation>No es una URI de proxy utilizable: %1</translation>
    </message>
    <message>
        <source>&amp;Remove the stored password</source>
        <translation>&amp;Quitar la contraseña guardada</translation>
    </message>
</context>
<context>
    <name>Switchyard::ProxyController</name>
    <message>
        <source>Proxy off</source>
        <translation>Proxy desactivado</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Deteniendo…</translation>
    </message>
    <message>
        <source>Starting on %1…</source>
        <translation>Iniciando en %1…</translation>
    </message>
    <message>
        <source>On, %1 — direct</source>
        <translation>Activado, %1 — directo</translation>
    </message>
    <message>
        <source>On, %1 — through %2</source>
        <translation>Activado, %1 — a través de %2</translation>
    </message>
    <message>
        <source>On, %1 — unmatched traffic blocked</source>
        <translation>Activado, %1 — tráfico sin regla bloqueado</translation>
    </message>
    <message>
        <source>Cannot listen on %1: %2</source>
        <translation>No se puede escuchar en %1: %2</translation>
    </message>
    <message>
        <source>On, %1 — exit &quot;%2&quot; is failing; its traffic is blocked</source>
        <translation>Activado, %1 — la salida “%2” tiene fallos; su tráfico se bloquea</translation>
    </message>
</context>
<context>
    <name>Switchyard::RouteActionCombo</name>
    <message>
        <source>Direct</source>
        <translation>Directo</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>Bloquear</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>A través de %1</translation>
    </message>
    <message>
        <source>Through %1 (waiting for password)</source>
        <translation>A través de %1 (esperando la contraseña)</translation>
    </message>
    <message>
        <source>Through %1 (failing)</source>
        <translation>A través de %1 (con fallos)</translation>
    </message>
    <message>
        <source>Missing exit (blocked)</source>
        <translation>Salida inexistente (tráfico bloqueado)</translation>
    </message>
    <message>
        <source>The exit this rule routes through was deleted: its traffic is blocked until you pick another action.</source>
        <translation>Se eliminó la salida por la que enruta esta regla: su tráfico se bloquea hasta que elija otra acción.</translation>
    </message>
</context>
<context>
    <name>Switchyard::RuleEditDialog</name>
    <message>
        <source>Enabled</source>
        <translation>Activada</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Regla</translation>
    </message>
    <message>
        <source>Optional note for yourself</source>
        <translation>Nota opcional para usted</translation>
    </message>
    <message>
        <source>&amp;Matcher:</source>
        <translation>&amp;Criterio:</translation>
    </message>
    <message>
        <source>&amp;Pattern:</source>
        <translation>&amp;Patrón:</translation>
    </message>
    <message>
        <source>&amp;Action:</source>
        <translation>&amp;Acción:</translation>
    </message>
    <message>
        <source>&amp;Comment:</source>
        <translation>C&amp;omentario:</translation>
    </message>
    <message>
        <source>e.g. %1</source>
        <translation>p. ej. %1</translation>
    </message>
    <message>
        <source>Invalid pattern: %1</source>
        <translation>Patrón no válido: %1</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>No se guardó: %1</translation>
    </message>
</context>
<context>
    <name>Switchyard::RuleImportDialog</name>
    <message>
        <source>Import rules from %1</source>
        <translation>Importar reglas de %1</translation>
    </message>
    <message>
        <source>Detect</source>
        <translation>Detectar</translation>
    </message>
    <message>
        <source>AutoProxy / gfwlist</source>
        <translation>AutoProxy / gfwlist</translation>
    </message>
    <message>
        <source>Plain host list / hosts file</source>
        <translation>Lista de hosts simple / archivo hosts</translation>
    </message>
    <message>
        <source>Every line was used.</source>
        <translation>Se usaron todas las líneas.</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>&amp;Formato:</translation>
    </message>
    <message>
        <source>&amp;New rules:</source>
        <translation>&amp;Nuevas reglas:</translation>
    </message>
    <message>
        <source>Lines not imported:</source>
        <translation>Líneas no importadas:</translation>
    </message>
    <message>
        <source>AutoProxy list (base64)</source>
        <translation>Lista AutoProxy (base64)</translation>
    </message>
    <message>
        <source>AutoProxy list</source>
        <translation>Lista AutoProxy</translation>
    </message>
    <message>
        <source>plain host list</source>
        <translation>lista de hosts simple</translation>
    </message>
    <message numerus="yes">
        <source>%1: %Ln rule(s) from %2 line(s).</source>
        <translation>
            <numerusform>%1: %Ln regla de %2 línea(s).</numerusform>
            <numerusform>%1: %Ln reglas de %2 línea(s).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln line(s) gave rules, </source>
        <translation>
            <numerusform>%Ln línea dio reglas, </numerusform>
            <numerusform>%Ln líneas dieron reglas, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln comment or header line(s), </source>
        <translation>
            <numerusform>%Ln línea de comentario o cabecera, </numerusform>
            <numerusform>%Ln líneas de comentario o cabecera, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln blank line(s), </source>
        <translation>
            <numerusform>%Ln línea en blanco, </numerusform>
            <numerusform>%Ln líneas en blanco, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln entry(ies) skipped.</source>
        <translation>
            <numerusform>%Ln entrada omitida.</numerusform>
            <numerusform>%Ln entradas omitidas.</numerusform>
        </translation>
    </message>
    <message>
        <source>Exceptions (@@ lines) go direct and come first.</source>
        <translation>Las excepciones (líneas @@) van directas y se colocan primero.</translation>
    </message>
    <message>
        <source>line %1: %2 (%3)</source>
        <translation>línea %1: %2 (%3)</translation>
    </message>
    <message numerus="yes">
        <source>Append %Ln rule(s)</source>
        <translation>
            <numerusform>Añadir %Ln regla</numerusform>
            <numerusform>Añadir %Ln reglas</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Switchyard::RuleTableModel</name>
    <message>
        <source>Direct</source>
        <translation>Directo</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>Bloquear</translation>
    </message>
    <message>
        <source>blocked: exit missing</source>
        <translation>bloqueado: falta la salida</translation>
    </message>
    <message>
        <source>Through %1 (failing)</source>
        <translation>A través de %1 (con fallos)</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>A través de %1</translation>
    </message>
    <message>
        <source>Enabled: this rule takes part in matching</source>
        <translation>Activada: esta regla participa en la comparación</translation>
    </message>
    <message>
        <source>Disabled: this rule is skipped</source>
        <translation>Desactivada: esta regla se omite</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>Activada</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Desactivada</translation>
    </message>
    <message>
        <source>Invalid pattern, this rule never matches: %1</source>
        <translation>Patrón no válido, esta regla nunca coincide: %1</translation>
    </message>
    <message>
        <source>The exit this rule routes through is gone, so its traffic is blocked: %1</source>
        <translation>La salida por la que enruta esta regla ya no existe, así que su tráfico se bloquea: %1</translation>
    </message>
    <message>
        <source>On</source>
        <translation>Activa</translation>
    </message>
    <message>
        <source>Matcher</source>
        <translation>Criterio</translation>
    </message>
    <message>
        <source>Pattern</source>
        <translation>Patrón</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Acción</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Comentario</translation>
    </message>
    <message>
        <source>There is no rule #%1.</source>
        <translation>No existe la regla n.º %1.</translation>
    </message>
</context>
<context>
    <name>Switchyard::RulesPage</name>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Añadir…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Editar…</translation>
    </message>
    <message>
        <source>D&amp;uplicate</source>
        <translation>D&amp;uplicar</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>E&amp;liminar</translation>
    </message>
    <message>
        <source>E&amp;nable</source>
        <translation>Acti&amp;var</translation>
    </message>
    <message>
        <source>Di&amp;sable</source>
        <translation>&amp;Desactivar</translation>
    </message>
    <message>
        <source>Move &amp;up</source>
        <translation>&amp;Subir</translation>
    </message>
    <message>
        <source>Move do&amp;wn</source>
        <translation>&amp;Bajar</translation>
    </message>
    <message>
        <source>&amp;Import list…</source>
        <translation>&amp;Importar lista…</translation>
    </message>
    <message>
        <source>E&amp;xplain</source>
        <translation>E&amp;xplicar</translation>
    </message>
    <message>
        <source>Add a rule after the selected ones (or at the end)</source>
        <translation>Añadir una regla tras las seleccionadas (o al final)</translation>
    </message>
    <message>
        <source>Earlier rules win: move the selected rules up</source>
        <translation>Las reglas anteriores tienen prioridad: subir las reglas seleccionadas</translation>
    </message>
    <message>
        <source>Move the selected rules down</source>
        <translation>Bajar las reglas seleccionadas</translation>
    </message>
    <message>
        <source>Append the rules of an AutoProxy/gfwlist or plain host list</source>
        <translation>Añadir al final las reglas de una lista AutoProxy/gfwlist o de una lista de hosts simple</translation>
    </message>
    <message>
        <source>URL or host:port, e.g. https://example.com/</source>
        <translation>URL o host:puerto, p. ej. https://example.com/</translation>
    </message>
    <message>
        <source>Where does this go?</source>
        <translation>¿Adónde va esto?</translation>
    </message>
    <message>
        <source>Not changed: %1</source>
        <translation>No se cambió: %1</translation>
    </message>
    <message>
        <source>Traffic no rule matches: %1</source>
        <translation>Tráfico sin regla coincidente: %1</translation>
    </message>
    <message>
        <source>Import a rule list</source>
        <translation>Importar una lista de reglas</translation>
    </message>
    <message>
        <source>Rule lists (*.txt *.list *.conf);;All files (*)</source>
        <translation>Listas de reglas (*.txt *.list *.conf);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Add a rule</source>
        <translation>Añadir una regla</translation>
    </message>
    <message>
        <source>Edit rule #%1</source>
        <translation>Editar la regla n.º %1</translation>
    </message>
    <message>
        <source>Not duplicated: %1</source>
        <translation>No se duplicó: %1</translation>
    </message>
    <message>
        <source>Not deleted: %1</source>
        <translation>No se eliminó: %1</translation>
    </message>
    <message numerus="yes">
        <source>Deleted %Ln rule(s).</source>
        <translation>
            <numerusform>Se eliminó %Ln regla.</numerusform>
            <numerusform>Se eliminaron %Ln reglas.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not moved: %1</source>
        <translation>No se movió: %1</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>No se puede leer %1: %2</translation>
    </message>
    <message>
        <source>%1 is too big for a rule list (%2 bytes).</source>
        <translation>%1 es demasiado grande para una lista de reglas (%2 bytes).</translation>
    </message>
    <message>
        <source>Nothing imported: %1</source>
        <translation>No se importó nada: %1</translation>
    </message>
    <message numerus="yes">
        <source>Imported %Ln rule(s) from %1; %2 line(s) skipped.</source>
        <translation>
            <numerusform>Se importó %Ln regla de %1; %2 línea(s) omitida(s).</numerusform>
            <numerusform>Se importaron %Ln reglas de %1; %2 línea(s) omitida(s).</numerusform>
        </translation>
    </message>
    <message>
        <source>Type a URL or host:port to see which rule decides it.</source>
        <translation>Escriba una URL o host:puerto para ver qué regla decide sobre ella.</translation>
    </message>
    <message>
        <source>Cannot explain “%1”: %2</source>
        <translation>No se puede explicar “%1”: %2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>No rule matches %1: the default action applies, %2.</source>
        <translation>Ninguna regla coincide con %1: se aplica la acción predeterminada, %2.</translation>
    </message>
    <message>
        <source>Rule #%1 decides %2: %3.
%4</source>
        <translation>La regla n.º %1 decide sobre %2: %3.
%4</translation>
    </message>
</context>
<context>
    <name>Switchyard::RunSettings</name>
    <message>
        <source>cannot use the settings in %1; fix them, or point --config at another file (the last good version is in %2)</source>
        <translation>no se puede usar la configuración de %1; corríjala o indique otro archivo con --config (la última versión válida está en %2)</translation>
    </message>
    <message>
        <source>cannot use the settings in %1; fix them, or point --config at another file</source>
        <translation>no se puede usar la configuración de %1; corríjala o indique otro archivo con --config</translation>
    </message>
    <message>
        <source>the password in %1 stays in the settings file: %2</source>
        <translation>la contraseña de %1 permanece en el archivo de configuración: %2</translation>
    </message>
    <message>
        <source>The passwords from %1 are now in the system keychain, and no longer in the file.</source>
        <translation>Las contraseñas de %1 están ahora en el llavero del sistema y ya no en el archivo.</translation>
    </message>
    <message>
        <source>cannot save the settings without the passwords: %1</source>
        <translation>no se puede guardar la configuración sin las contraseñas: %1</translation>
    </message>
    <message>
        <source>inbound authentication is on but its password cannot be read; not accepting clients without it</source>
        <translation>el inicio de sesión de clientes está activado, pero no se puede leer su contraseña; no se aceptan clientes sin ella</translation>
    </message>
    <message>
        <source>traffic for exit &quot;%1&quot; is blocked in this run: its password cannot be read</source>
        <translation>el tráfico de la salida &quot;%1&quot; se bloquea en esta ejecución: no se puede leer su contraseña</translation>
    </message>
</context>
<context>
    <name>Switchyard::SettingsController</name>
    <message>
        <source>Rule %1 (%2) cannot be saved: %3</source>
        <translation>La regla %1 (%2) no se puede guardar: %3</translation>
    </message>
    <message>
        <source>There is no exit with the id &quot;%1&quot;.</source>
        <translation>No hay ninguna salida con el id &quot;%1&quot;.</translation>
    </message>
    <message>
        <source>The listen address is not an IP address.</source>
        <translation>La dirección de escucha no es una dirección IP.</translation>
    </message>
    <message>
        <source>%1 cannot be imported; it has errors.</source>
        <translation>%1 no se puede importar; contiene errores.</translation>
    </message>
    <message>
        <source>Rule %1 of the import cannot be used: %2</source>
        <translation>La regla %1 de la importación no se puede usar: %2</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>Directo</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Bloqueado</translation>
    </message>
    <message>
        <source>Missing exit (blocked)</source>
        <translation>Salida inexistente (tráfico bloqueado)</translation>
    </message>
    <message>
        <source>Block (unmatched traffic)</source>
        <translation>Bloquear (tráfico sin regla)</translation>
    </message>
    <message>
        <source>%1 — failing</source>
        <translation>%1 — con fallos</translation>
    </message>
    <message>
        <source>%1 — no password yet</source>
        <translation>%1 — aún sin contraseña</translation>
    </message>
    <message>
        <source>The settings could not be saved, so nothing was changed: %1</source>
        <translation>No se pudo guardar la configuración, así que no se cambió nada: %1</translation>
    </message>
    <message>
        <source>Clients need a user name to log in with.</source>
        <translation>Los clientes necesitan un nombre de usuario para iniciar sesión.</translation>
    </message>
    <message>
        <source>The user name is longer than 255 bytes.</source>
        <translation>El nombre de usuario ocupa más de 255 bytes.</translation>
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
        <translation>Dirección y puerto para clientes HTTP, SOCKS5 y SOCKS4a. Cualquier dirección que no sea de loopback requiere inicio de sesión de clientes.</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Aplicar</translation>
    </message>
    <message>
        <source>Listen on:</source>
        <translation>Escuchar en:</translation>
    </message>
    <message>
        <source>Manual: HTTP, HTTPS and SOCKS point at Switchyard</source>
        <translation>Manual: HTTP, HTTPS y SOCKS apuntan a Switchyard</translation>
    </message>
    <message>
        <source>Automatic: the desktop reads Switchyard&apos;s PAC file</source>
        <translation>Automático: el escritorio lee el archivo PAC de Switchyard</translation>
    </message>
    <message>
        <source>System proxy:</source>
        <translation>Proxy del sistema:</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>Aplicación</translation>
    </message>
    <message>
        <source>Closing the window keeps Switchyard running in the tray</source>
        <translation>Al cerrar la ventana, Switchyard sigue ejecutándose en la bandeja del sistema</translation>
    </message>
    <message>
        <source>Start Switchyard when I log in</source>
        <translation>Abrir Switchyard al iniciar sesión</translation>
    </message>
    <message>
        <source>Language (after a restart):</source>
        <translation>Idioma (tras reiniciar):</translation>
    </message>
    <message>
        <source>Rows kept in the traffic view:</source>
        <translation>Filas que se conservan en la vista de tráfico:</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>Configuración</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportar…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Importar…</translation>
    </message>
    <message>
        <source>Exits (without passwords), rules and options in one file</source>
        <translation>Salidas (sin contraseñas), reglas y opciones en un solo archivo</translation>
    </message>
    <message>
        <source>Switchyard configuration (*.json);;All files (*)</source>
        <translation>Configuración de Switchyard (*.json);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Export configuration</source>
        <translation>Exportar configuración</translation>
    </message>
    <message>
        <source>Import configuration</source>
        <translation>Importar configuración</translation>
    </message>
    <message>
        <source>Merge the exits and rules of %1 with yours, or replace yours?</source>
        <translation>¿Combinar las salidas y reglas de %1 con las suyas o reemplazar las suyas?</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>Combinar</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>Reemplazar</translation>
    </message>
    <message>
        <source>The language changes when Switchyard starts again.</source>
        <translation>El idioma cambiará cuando Switchyard se vuelva a iniciar.</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Predeterminado del sistema</translation>
    </message>
    <message>
        <source>Cannot listen on &quot;%1&quot;: %2</source>
        <translation>No se puede escuchar en “%1”: %2</translation>
    </message>
    <message>
        <source>Listening on %1 would open the proxy to other machines; that needs inbound authentication, which is off.</source>
        <translation>Escuchar en %1 abriría el proxy a otros equipos; eso requiere inicio de sesión de clientes, que está desactivado.</translation>
    </message>
    <message>
        <source>Listening on %1 from now on.</source>
        <translation>A partir de ahora se escucha en %1.</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Error al exportar: %1</translation>
    </message>
    <message>
        <source>Exported to %1 (passwords are not included).</source>
        <translation>Exportado a %1 (sin contraseñas).</translation>
    </message>
    <message>
        <source>%1 cannot be imported:
%2</source>
        <translation>%1 no se puede importar:
%2</translation>
    </message>
    <message>
        <source>Imported %1. Exits that need a password ask for it on the Exits page.</source>
        <translation>Se importó %1. Las salidas que necesitan contraseña la piden en la página «Salidas».</translation>
    </message>
    <message>
        <source>Client login</source>
        <translation>Inicio de sesión de clientes</translation>
    </message>
    <message>
        <source>Clients must log in (needed to listen beyond this computer)</source>
        <translation>Los clientes deben iniciar sesión (necesario para escuchar más allá de este equipo)</translation>
    </message>
    <message>
        <source>kept in the system keychain</source>
        <translation>se guarda en el llavero del sistema</translation>
    </message>
    <message>
        <source>Save login</source>
        <translation>Guardar credenciales</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>Nombre de usuario:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Contraseña:</translation>
    </message>
    <message>
        <source>No keychain</source>
        <translation>Sin llavero</translation>
    </message>
    <message>
        <source>%1

Keep the password in memory until Switchyard quits? It is not written anywhere.</source>
        <translation>%1

¿Mantener la contraseña en memoria hasta que salga de Switchyard? No se escribe en ningún sitio.</translation>
    </message>
    <message>
        <source>Client login saved.</source>
        <translation>Credenciales de clientes guardadas.</translation>
    </message>
    <message>
        <source>Clients no longer log in.</source>
        <translation>Los clientes ya no inician sesión.</translation>
    </message>
    <message>
        <source>Client login saved; the password is in the system keychain.</source>
        <translation>Credenciales de clientes guardadas; la contraseña está en el llavero del sistema.</translation>
    </message>
    <message>
        <source>The password is kept in memory until Switchyard quits.</source>
        <translation>La contraseña se mantiene en memoria hasta que salga de Switchyard.</translation>
    </message>
    <message>
        <source>The password was not stored: %1 Clients are refused until it is.</source>
        <translation>La contraseña no se guardó: %1 Los clientes se rechazan hasta que se guarde.</translation>
    </message>
    <message>
        <source>Anyone who can reach the port may use the proxy.</source>
        <translation>Cualquiera que pueda llegar al puerto puede usar el proxy.</translation>
    </message>
    <message>
        <source>No usable password yet: every client is refused.</source>
        <translation>Aún no hay ninguna contraseña utilizable: se rechazan todos los clientes.</translation>
    </message>
    <message>
        <source>Clients log in with this user name and the stored password.</source>
        <translation>Los clientes inician sesión con este nombre de usuario y la contraseña guardada.</translation>
    </message>
</context>
<context>
    <name>Switchyard::SingleInstanceGuard</name>
    <message>
        <source>cannot take the lock %1 that guards against a second Switchyard</source>
        <translation>no se puede obtener el bloqueo %1 que impide un segundo Switchyard</translation>
    </message>
    <message>
        <source>another Switchyard is running with the same settings file but did not answer; if it hangs, end it and start again</source>
        <translation>otro Switchyard se está ejecutando con el mismo archivo de configuración, pero no respondió; si se ha colgado, termínelo y vuelva a iniciar</translation>
    </message>
    <message>
        <source>another program answered on %1; it is not a Switchyard of this version</source>
        <translation>otro programa respondió en %1; no es un Switchyard de esta versión</translation>
    </message>
    <message>
        <source>cannot listen on %1 for a second Switchyard: %2</source>
        <translation>no se puede escuchar en %1 para un segundo Switchyard: %2</translation>
    </message>
    <message>
        <source>cannot use the single-instance socket %1: %2</source>
        <translation>no se puede usar el socket de instancia única %1: %2</translation>
    </message>
</context>
<context>
    <name>Switchyard::SystemProxyController</name>
    <message>
        <source>cannot create the folder %1</source>
        <translation>no se puede crear la carpeta %1</translation>
    </message>
    <message>
        <source>another Switchyard (process %1) has the system proxy on; turn it off there first</source>
        <translation>otro Switchyard (proceso %1) tiene activado el proxy del sistema; desactívelo allí primero</translation>
    </message>
    <message>
        <source>cannot lock %1</source>
        <translation>no se puede bloquear %1</translation>
    </message>
    <message>
        <source>System proxy not changed: %1</source>
        <translation>No se cambió el proxy del sistema: %1</translation>
    </message>
    <message>
        <source>Could not point the %1 proxy settings at %2: %3</source>
        <translation>No se pudo apuntar la configuración de proxy de %1 a %2: %3</translation>
    </message>
    <message>
        <source>Restoring the settings from before failed too: %1. They are saved in %2; &apos;switchyard --restore-system-proxy&apos; tries again.</source>
        <translation>También falló la restauración de la configuración anterior: %1. Está guardada en %2; &apos;switchyard --restore-system-proxy&apos; lo vuelve a intentar.</translation>
    </message>
    <message>
        <source>The %1 proxy settings point at Switchyard (%2).</source>
        <translation>La configuración de proxy de %1 apunta a Switchyard (%2).</translation>
    </message>
    <message>
        <source>Could not restore the %1 proxy settings: %2. They are saved in %3; &apos;switchyard --restore-system-proxy&apos; tries again.</source>
        <translation>No se pudo restaurar la configuración de proxy de %1: %2. Está guardada en %3; &apos;switchyard --restore-system-proxy&apos; lo vuelve a intentar.</translation>
    </message>
    <message>
        <source>The %1 proxy settings are back as they were.</source>
        <translation>La configuración de proxy de %1 vuelve a estar como antes.</translation>
    </message>
    <message>
        <source>There are no system proxy settings to restore.</source>
        <translation>No hay configuración del proxy del sistema que restaurar.</translation>
    </message>
    <message>
        <source>System proxy settings not restored: %1</source>
        <translation>No se restauró la configuración del proxy del sistema: %1</translation>
    </message>
    <message>
        <source>The %1 proxy settings were changed since Switchyard pointed them at %2, so they were left as they are; the settings saved before that were dropped.</source>
        <translation>La configuración de proxy de %1 cambió después de que Switchyard la apuntara a %2, así que se dejó como está; se descartó la configuración guardada antes.</translation>
    </message>
    <message>
        <source>Could not restore the %1 proxy settings: %2. They are saved in %3.</source>
        <translation>No se pudo restaurar la configuración de proxy de %1: %2. Está guardada en %3.</translation>
    </message>
    <message>
        <source>Switchyard (process %1) stopped while the system proxy pointed at it; the %2 proxy settings from before are restored.</source>
        <translation>Switchyard (proceso %1) se detuvo mientras el proxy del sistema apuntaba a él; se restauró la configuración de proxy de %2 anterior.</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficBodyView</name>
    <message>
        <source>No body</source>
        <translation>Sin cuerpo</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficContextMenu</name>
    <message>
        <source>Copy URL</source>
        <translation>Copiar URL</translation>
    </message>
    <message>
        <source>Copy as curl</source>
        <translation>Copiar como curl</translation>
    </message>
    <message>
        <source>Copy response body</source>
        <translation>Copiar cuerpo de la respuesta</translation>
    </message>
    <message>
        <source>Route %1</source>
        <translation>Enrutar %1</translation>
    </message>
    <message>
        <source>Route all of %1</source>
        <translation>Enrutar todo %1</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>Directo</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>A través de %1</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>Bloquear</translation>
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
        <translation>%1 (%2 bytes)</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Resumen</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>Solicitud</translation>
    </message>
    <message>
        <source>Response</source>
        <translation>Respuesta</translation>
    </message>
    <message>
        <source>Show secrets</source>
        <translation>Mostrar secretos</translation>
    </message>
    <message>
        <source>Show the values of Authorization, Proxy-Authorization, Cookie and Set-Cookie</source>
        <translation>Mostrar los valores de Authorization, Proxy-Authorization, Cookie y Set-Cookie</translation>
    </message>
    <message>
        <source>Select an entry to see its details. Enter opens the selected one.</source>
        <translation>Seleccione una entrada para ver sus detalles. Intro abre la seleccionada.</translation>
    </message>
    <message>
        <source>Hide secrets</source>
        <translation>Ocultar secretos</translation>
    </message>
    <message>
        <source>No response yet.</source>
        <translation>Aún no hay respuesta.</translation>
    </message>
    <message>
        <source>No headers captured (capture may be off).</source>
        <translation>No se capturaron cabeceras (puede que la captura esté desactivada).</translation>
    </message>
    <message>
        <source>Click to show this value</source>
        <translation>Haga clic para mostrar este valor</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Destino</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Método</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protocolo</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>SOCKS reply</source>
        <translation>Respuesta SOCKS</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>Directo</translation>
    </message>
    <message>
        <source>Through the exit %1</source>
        <translation>A través de la salida %1</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Bloqueado</translation>
    </message>
    <message>
        <source>Answered by Switchyard</source>
        <translation>Respondido por Switchyard</translation>
    </message>
    <message>
        <source>Refused (connection limit)</source>
        <translation>Rechazado (límite de conexiones)</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Desconocido</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Ruta</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Regla</translation>
    </message>
    <message>
        <source>none matched: the default action</source>
        <translation>ninguna coincidió: la acción predeterminada</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Inicio</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Duración</translation>
    </message>
    <message>
        <source>still running</source>
        <translation>aún en curso</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Conexión</translation>
    </message>
    <message>
        <source>First byte</source>
        <translation>Primer byte</translation>
    </message>
    <message>
        <source>Relayed up</source>
        <translation>Retransmitido ↑</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Enviado</translation>
    </message>
    <message>
        <source>Relayed down</source>
        <translation>Retransmitido ↓</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Recibido</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>A tunnel&apos;s payload is not inspected: its target, route, sizes and duration are what is known.</source>
        <translation>El contenido de un túnel no se inspecciona: solo se conocen su destino, ruta, tamaños y duración.</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficFilterBar</name>
    <message>
        <source>Filter by host, URL or method (Ctrl+F)</source>
        <translation>Filtrar por host, URL o método (Ctrl+F)</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Errores</translation>
    </message>
    <message>
        <source>Only failed exchanges: errors, 4xx and 5xx answers, SOCKS failures</source>
        <translation>Solo intercambios fallidos: errores, respuestas 4xx y 5xx, fallos de SOCKS</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Bloqueado</translation>
    </message>
    <message>
        <source>Only exchanges a rule blocked</source>
        <translation>Solo intercambios bloqueados por una regla</translation>
    </message>
    <message>
        <source>Only exchanges that took this route</source>
        <translation>Solo intercambios que siguieron esta ruta</translation>
    </message>
    <message>
        <source>Only exchanges of this protocol</source>
        <translation>Solo intercambios de este protocolo</translation>
    </message>
    <message>
        <source>Any protocol</source>
        <translation>Cualquier protocolo</translation>
    </message>
    <message>
        <source>Only answers of this status class</source>
        <translation>Solo respuestas de esta clase de estado</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Cualquier estado</translation>
    </message>
    <message>
        <source>1xx</source>
        <translation>1xx</translation>
    </message>
    <message>
        <source>2xx success</source>
        <translation>2xx éxito</translation>
    </message>
    <message>
        <source>3xx redirection</source>
        <translation>3xx redirección</translation>
    </message>
    <message>
        <source>4xx client error</source>
        <translation>4xx error del cliente</translation>
    </message>
    <message>
        <source>5xx server error</source>
        <translation>5xx error del servidor</translation>
    </message>
    <message>
        <source>No status</source>
        <translation>Sin estado</translation>
    </message>
    <message>
        <source>Any route</source>
        <translation>Cualquier ruta</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>Directo</translation>
    </message>
    <message>
        <source>Local</source>
        <translation>Local</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>A través de %1</translation>
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
        <translation>error</translation>
    </message>
    <message>
        <source>direct</source>
        <translation>directo</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>bloqueado</translation>
    </message>
    <message>
        <source>local</source>
        <translation>local</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>rechazado</translation>
    </message>
    <message>
        <source>default</source>
        <translation>predeterminada</translation>
    </message>
    <message>
        <source>Route %1, by the default action</source>
        <translation>Ruta %1, por la acción predeterminada</translation>
    </message>
    <message>
        <source>Route %1, by the rule %2</source>
        <translation>Ruta %1, por la regla %2</translation>
    </message>
    <message>
        <source>%1 bytes sent</source>
        <translation>%1 bytes enviados</translation>
    </message>
    <message>
        <source>%1 bytes received</source>
        <translation>%1 bytes recibidos</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protocolo</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Método</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Path or target</source>
        <translation>Recurso o destino</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Ruta</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Regla</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Enviado</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Recibido</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Duración</translation>
    </message>
    <message>
        <source>Exchange number</source>
        <translation>Número de intercambio</translation>
    </message>
    <message>
        <source>The client&apos;s address and port</source>
        <translation>Dirección y puerto del cliente</translation>
    </message>
    <message>
        <source>Path and query of a request, or host:port of a tunnel</source>
        <translation>Ruta de acceso y consulta de una solicitud, o host:puerto de un túnel</translation>
    </message>
    <message>
        <source>The rule that chose the route (&quot;default&quot;: no rule matched)</source>
        <translation>La regla que eligió la ruta («predeterminada»: no coincidió ninguna regla)</translation>
    </message>
    <message>
        <source>Body bytes sent by the client (everything relayed, for tunnels)</source>
        <translation>Bytes de cuerpo enviados por el cliente (en los túneles, todo lo retransmitido)</translation>
    </message>
    <message>
        <source>Body bytes received by the client (everything relayed, for tunnels)</source>
        <translation>Bytes de cuerpo recibidos por el cliente (en los túneles, todo lo retransmitido)</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficPage</name>
    <message>
        <source>Clear</source>
        <translation>Vaciar</translation>
    </message>
    <message>
        <source>Remove every entry (Ctrl+L)</source>
        <translation>Quitar todas las entradas (Ctrl+L)</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Filtrar</translation>
    </message>
    <message>
        <source>Export visible entries as HAR…</source>
        <translation>Exportar las entradas visibles como HAR…</translation>
    </message>
    <message>
        <source>Export selected entries as HAR…</source>
        <translation>Exportar las entradas seleccionadas como HAR…</translation>
    </message>
    <message>
        <source>Mask secrets in exported files</source>
        <translation>Enmascarar secretos en los archivos exportados</translation>
    </message>
    <message>
        <source>Replace Authorization, Proxy-Authorization, Cookie and Set-Cookie values</source>
        <translation>Reemplazar los valores de Authorization, Proxy-Authorization, Cookie y Set-Cookie</translation>
    </message>
    <message>
        <source>Import HAR…</source>
        <translation>Importar HAR…</translation>
    </message>
    <message>
        <source>Add the entries of a HAR file to the table, for reading</source>
        <translation>Añadir a la tabla las entradas de un archivo HAR, para consultarlas</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportar</translation>
    </message>
    <message>
        <source>Save entries as HAR 1.2, for browsers&apos; developer tools</source>
        <translation>Guardar las entradas como HAR 1.2, para las herramientas para desarrolladores de los navegadores</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Reanudar</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausar</translation>
    </message>
    <message>
        <source>Show new requests again</source>
        <translation>Volver a mostrar las solicitudes nuevas</translation>
    </message>
    <message>
        <source>Stop adding new requests to the table; those shown still complete</source>
        <translation>Dejar de añadir solicitudes nuevas a la tabla; las mostradas se siguen completando</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>en pausa</translation>
    </message>
    <message numerus="yes">
        <source>Imported %Ln entries from %1; capture paused</source>
        <translation>
            <numerusform>Se importó %Ln entrada de %1; captura en pausa</numerusform>
            <numerusform>Se importaron %Ln entradas de %1; captura en pausa</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln entries skipped</source>
        <translation>
            <numerusform>%Ln entrada omitida</numerusform>
            <numerusform>%Ln entradas omitidas</numerusform>
        </translation>
    </message>
    <message>
        <source>Export HAR</source>
        <translation>Exportar HAR</translation>
    </message>
    <message>
        <source>There are no entries in view to export.</source>
        <translation>No hay entradas visibles que exportar.</translation>
    </message>
    <message>
        <source>Select the entries to export first.</source>
        <translation>Seleccione primero las entradas que quiere exportar.</translation>
    </message>
    <message>
        <source>HAR files (*.har);;All files (*)</source>
        <translation>Archivos HAR (*.har);;Todos los archivos (*)</translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln entries to %1</source>
        <translation>
            <numerusform>Se exportó %Ln entrada a %1</numerusform>
            <numerusform>Se exportaron %Ln entradas a %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Import HAR</source>
        <translation>Importar HAR</translation>
    </message>
    <message numerus="yes">
        <source>%Ln entries</source>
        <translation>
            <numerusform>%Ln entrada</numerusform>
            <numerusform>%Ln entradas</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %Ln entries</source>
        <translation>
            <numerusform>%1 de %Ln entrada</numerusform>
            <numerusform>%1 de %Ln entradas</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficView</name>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrayIcon</name>
    <message>
        <source>Exit</source>
        <translation>Salida</translation>
    </message>
    <message numerus="yes">
        <source>↑ %1  ↓ %2  ·  %Ln connection(s)</source>
        <translation>
            <numerusform>↑ %1  ↓ %2  ·  %Ln conexión</numerusform>
            <numerusform>↑ %1  ↓ %2  ·  %Ln conexiones</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SystemProxyBackendFactory</name>
    <message>
        <source>unknown system proxy backend &apos;%1&apos;</source>
        <translation>backend de proxy del sistema desconocido &apos;%1&apos;</translation>
    </message>
    <message>
        <source>cannot change the %1 proxy settings: %2</source>
        <translation>no se puede cambiar la configuración de proxy de %1: %2</translation>
    </message>
    <message>
        <source>an unknown desktop</source>
        <translation>un escritorio desconocido</translation>
    </message>
    <message>
        <source>no way to change the system proxy on %1: GNOME settings: %2; KDE settings: %3</source>
        <translation>no hay forma de cambiar el proxy del sistema en %1: configuración de GNOME: %2; configuración de KDE: %3</translation>
    </message>
    <message>
        <source>not this desktop</source>
        <translation>no es este escritorio</translation>
    </message>
</context>
<context>
    <name>SystemProxyJournal</name>
    <message>
        <source>cannot create the folder %1</source>
        <translation>no se puede crear la carpeta %1</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>no se puede leer %1: %2</translation>
    </message>
    <message>
        <source>%1 is too large to be a Switchyard system proxy journal</source>
        <translation>%1 es demasiado grande para ser un diario de proxy del sistema de Switchyard</translation>
    </message>
    <message>
        <source>%1 is damaged: %2</source>
        <translation>%1 está dañado: %2</translation>
    </message>
    <message>
        <source>%1 was written by another version of Switchyard</source>
        <translation>%1 lo escribió otra versión de Switchyard</translation>
    </message>
    <message>
        <source>%1 is damaged: a part is missing</source>
        <translation>%1 está dañado: falta una parte</translation>
    </message>
    <message>
        <source>cannot delete %1: %2</source>
        <translation>no se puede eliminar %1: %2</translation>
    </message>
</context>
<context>
    <name>SystemProxyTarget</name>
    <message>
        <source>no proxy address</source>
        <translation>no hay dirección de proxy</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an IP address</source>
        <translation>&apos;%1&apos; no es una dirección IP</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an address a client can connect to</source>
        <translation>&apos;%1&apos; no es una dirección a la que pueda conectarse un cliente</translation>
    </message>
    <message>
        <source>no proxy port</source>
        <translation>no hay puerto de proxy</translation>
    </message>
</context>
<context>
    <name>SystemProxyTool</name>
    <message>
        <source>cannot run %1: %2</source>
        <translation>no se puede ejecutar %1: %2</translation>
    </message>
    <message>
        <source>%1 did not answer within %2 seconds</source>
        <translation>%1 no respondió en %2 segundos</translation>
    </message>
    <message>
        <source>%1 crashed</source>
        <translation>%1 se cerró inesperadamente</translation>
    </message>
    <message>
        <source>%1 failed with exit code %2</source>
        <translation>%1 falló con el código de salida %2</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 falló: %2</translation>
    </message>
</context>
<context>
    <name>WindowsProxyBackend</name>
    <message>
        <source>Windows (Internet Options)</source>
        <translation>Windows (Opciones de Internet)</translation>
    </message>
    <message>
        <source>the Windows proxy settings exist only on Windows</source>
        <translation>la configuración de proxy de Windows solo existe en Windows</translation>
    </message>
    <message>
        <source>cannot read the Windows proxy settings: %1</source>
        <translation>no se puede leer la configuración de proxy de Windows: %1</translation>
    </message>
    <message>
        <source>cannot read the Windows proxy setting %1: %2</source>
        <translation>no se puede leer el ajuste de proxy de Windows %1: %2</translation>
    </message>
    <message>
        <source>the Windows proxy setting %1 has an unexpected type (%2)</source>
        <translation>el ajuste de proxy de Windows %1 tiene un tipo inesperado (%2)</translation>
    </message>
    <message>
        <source>cannot change the Windows proxy settings: %1</source>
        <translation>no se puede cambiar la configuración de proxy de Windows: %1</translation>
    </message>
    <message>
        <source>cannot change the Windows proxy setting %1: %2</source>
        <translation>no se puede cambiar el ajuste de proxy de Windows %1: %2</translation>
    </message>
    <message>
        <source>the Windows proxy setting %1 did not change</source>
        <translation>el ajuste de proxy de Windows %1 no cambió</translation>
    </message>
</context>
<context>
    <name>WindowsProxySettings</name>
    <message>
        <source>the saved Windows proxy settings are damaged (%1)</source>
        <translation>la configuración de proxy de Windows guardada está dañada (%1)</translation>
    </message>
    <message>
        <source>the saved Windows proxy settings are damaged (%1 is missing)</source>
        <translation>la configuración de proxy de Windows guardada está dañada (falta %1)</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>try &apos;switchyard --help&apos; for the list of options</source>
        <translation>pruebe &apos;switchyard --help&apos; para ver la lista de opciones</translation>
    </message>
    <message>
        <source>cannot listen on %1: %2</source>
        <translation>no se puede escuchar en %1: %2</translation>
    </message>
    <message>
        <source>no display (DISPLAY and WAYLAND_DISPLAY are unset); use --headless to run without a window</source>
        <translation>no hay pantalla (DISPLAY y WAYLAND_DISPLAY no están definidas); use --headless para ejecutar sin ventana</translation>
    </message>
    <message>
        <source>Switchyard is already running; its window was brought up.</source>
        <translation>Switchyard ya se está ejecutando; se ha traído su ventana al frente.</translation>
    </message>
</context>
</TS>
