"""The words mail clients put around a quoted message, in the languages clients ship.

Vocabulary only, used by trimming.py. Every pattern here is matched against one line cut
to a few hundred characters and has no nested repetition, so none can backtrack badly.
The lists come from the clients' own localised strings (Gmail, Outlook, Apple Mail,
Thunderbird, mobile mail apps); they were never tuned on an evaluation corpus.
"""

from __future__ import annotations

import re

# First words of an attribution line ("On <date>, <name> wrote:"), lower case, with the words
# that end it or (leading space) the verb that sits inside it: German and Dutch put the
# name after the verb ("Am 3.3.2026 schrieb Jane <j@x>:").
ATTRIBUTION_LEADS = {
    "on ": ("wrote:", "writes:"),
    "le ": ("a écrit:", "a ecrit:"),
    "am ": (" schrieb ", "schrieb:"),
    "el ": ("escribió:", "escribio:"),
    "il ": ("ha scritto:", "scritto:"),
    "em ": ("escreveu:",),
    "den ": (" skrev ", "skrev:"),
    "dne ": ("napsal:", "napsal(a):", "napsala:", "napísal:", "napísal(a):"),
    "dnia ": ("napisał:", "napisał(a):", "napisała:", "pisze:"),
    "w dniu ": ("napisał:", "napisał(a):", "napisała:", "pisze:"),
    "στις ": ("έγραψε:",),
    "pada ": ("menulis:",),
    "vào ": ("đã viết:",),
    "în ": ("a scris:",),
    "op ": (" schreef ", "schreef:", "geschreven:"),
}

# Verbs that end an attribution line in any position ("Jane Smith <j@x> wrote:").
# A line ending in one of these only counts when a quote follows, or when a date and
# an address are inside it too: "I have just written:" stays in the reply.
ATTRIBUTION_ENDINGS = (
    "wrote:", "writes:", "a écrit:", "a ecrit:", "schrieb:", "escribió:", "escribio:",
    "escreveu:", "ha scritto:", "schreef:", "geschreven:", "skrev:", "kirjoitti:",
    "napisał:", "napisał(a):", "napisała:", "napisal:", "napsal:", "napsal(a):", "napísal:",
    "napísal(a):", "pisze:", "пишет:", "написал:", "написала:", "написал(а):", "пише:",
    "написав:", "yazdı:", "έγραψε:", "írta:", "a scris:", "menulis:",
    "đã viết:", "님이 작성:", "写道:", "寫道:", "のメール:", "כתב:", "كتب:", "skriver:",
    "ezt írta:",
)

# "-----Original Message-----" and the forwarded-message rulers, localised.
_COPY_TITLES = (
    "original message|ursprüngliche nachricht|originalnachricht|message d'origine|message original"
    "|mensaje original|oorspronkelijk bericht|origineel bericht|messaggio originale"
    "|mensagem original|ursprungligt meddelande|oprindelig meddelelse|opprinnelig melding"
    "|alkuperäinen viesti|wiadomość oryginalna|oryginalna wiadomość|původní zpráva"
    "|pôvodná správa|исходное сообщение|оригинальное сообщение|исходное письмо"
    "|вихідне повідомлення|оригінальне повідомлення|eredeti üzenet|özgün ileti|orijinal mesaj"
    "|αρχικό μήνυμα|mesaj original|原始邮件|原始郵件|元のメッセージ|원본 메시지|pesan asli"
    "|forwarded message|attached message|weitergeleitete nachricht|message transféré"
    "|message transfere"
    "|mensaje reenviado|doorgestuurd bericht|messaggio inoltrato|mensagem encaminhada"
    "|vidarebefordrat meddelande|videresendt meddelelse|videresendt melding|välitetty viesti"
    "|przekazana wiadomość|přeposlaná zpráva|пересланное сообщение|переслане повідомлення"
    "|пересылаемое сообщение|továbbított üzenet|iletilen mesaj|προωθημένο "
    "μήνυμα|转发的邮件|轉寄的郵件|転送されたメッセージ"
)
SEPARATOR = re.compile(
    rf"[ \t]*[-_=*>]{{2,}}[ \t]*(?:{_COPY_TITLES})[ \t]*[-_=*<]{{2,}}[ \t]*$", re.IGNORECASE)
# The titles among _COPY_TITLES that say the copy is forwarded, not quoted in a reply ("Attached
# message" is mime_text's ruler over an email attached whole: Outlook's "forward as attachment").
FORWARD_TITLE = re.compile(
    r"forward|attached message|weitergeleitet|transf[ée]r[ée]|reenviado|doorgestuurd|inoltrato"
    r"|encaminhad|vidarebefordrat|videresendt|välitetty|przekazana|přeposlaná|пересл|továbbított|iletilen"
    r"|προωθημένο|转发|轉寄|転送", re.IGNORECASE)
# A subject that says the message forwards another: "Fwd:", "FW:", "WG:", "TR:", "RV:", "Enc:",
# after any reply prefixes ("Re: Fwd:").
FORWARD_SUBJECT = re.compile(
    r"\s*(?:(?:re|aw|sv|antw|r)\s*:\s*)*(?:fwd?|wg|tr|rv|enc|doorst|vb)\s*:", re.IGNORECASE)
# Every reply or forward prefix at the start of a subject ("Re: Fwd: ", "AW: ", "RE[2]: ").
SUBJECT_PREFIXES = re.compile(
    r"^(?:\s*(?:re|aw|sv|antw|fwd?|tr|wg|rv|enc|doorst|vb)\s*(?:\[\d+\])?\s*:)+",
    re.IGNORECASE)
FORWARD_INTRO = re.compile(
    r"[ \t]*(?:begin forwarded message|début du message réexpédié"
    r"|anfang der weitergeleiteten nachricht"
    r"|inicio del mensaje reenviado|comienzo del mensaje reenviado|begin doorgestuurd bericht"
    r"|inizio messaggio inoltrato|início da mensagem reencaminhada|vidarebefordrat mejl"
    r"|videresendt e-mail|начало переадресованного сообщения|転送されたメッセージ)[ \t]*:?[ \t]*$",
    re.IGNORECASE,
)

# A whole line that is a client's footer: "Sent from my office, because ..." is a sentence.
MOBILE_FOOTER = re.compile(
    r"(?:sent from my|sent with my|envoyé de mon|envoyé depuis mon|enviado desde mi|enviado do meu"
    r"|enviado de meu|verzonden (?:vanaf|met) mijn|verstuurd vanaf mijn|inviato da(?:l mio)?"
    r"|skickat från min|sendt fra min|lähetetty|wysłane z(?: mojego)?|odesláno z(?: mého)?"
    r"|отправлено с(?: моего)?|надіслано з(?: мого)?|gönderildiği yer:|iphone'umdan gönderildi"
    r"|gesendet von meinem|gesendet mit)"
    r" [\w\-'’ ®.]{1,50}[.!]?"
    r"|von meinem [\w\- ]{1,40} gesendet\.?"
    r"|(?:sent|envoyé|enviado|inviato|gesendet) (?:from|de|desde|da|von) (?:outlook|mail|yahoo mail"
    r"|my mobile|mi móvil|mobile)(?: (?:for|on|para|pour|für) [\w ]{1,20})?\.?"
    r"|get (?:outlook|mail) for [\w ]{1,20}\.?|obtenir outlook pour [\w ]{1,20}"
    r"|outlook for (?:ios|android) を入手|(?:iphone|ipad)から送信|发自我的\s?(?:iphone|ipad|手机)"
    r"|從我的\s?(?:iphone|ipad)\s?傳送|sent via blackberry[\w ]{0,40}\.?"
    r"|sent from (?:samsung|huawei|xiaomi|proton ?mail)[\w ]{0,40}\.?",
    re.IGNORECASE,
)

# "Sent from <app>" as the last line of what was written: only there, and only when short, is it
# a client's footer rather than the sender's sentence.
TRAILING_FOOTER = re.compile(
    r"(?:sent|envoyé|enviado|inviato|gesendet|verzonden|verstuurd|skickat|sendt|wysłane|odesláno"
    r"|отправлено) (?:from|with|via|de|depuis|desde|do|da|von|mit|met|vanaf|från|fra|z|с) .{1,55}",
    re.IGNORECASE,
)
# Mailman's footer: a rule of underscores, then "<list> mailing list".
LIST_FOOTER_RULE = re.compile(r"[ \t]*_{20,}[ \t]*(?:\S.{0,80}mailing list\b.*)?$", re.IGNORECASE)

# Outlook-style header blocks: a "From:" key, then at least two other keys just below.
HEADER_KEY = re.compile(
    r"[ \t*\u00a0]{0,4}([^\W\d_]{1,14}(?:[ \u00a0][^\W\d_]{1,8})?)[ \t*\u00a0]{0,3}[:：]")
FROM_KEYS = {
    "from", "von", "de", "van", "da", "från", "fra", "lähettäjä", "od", "от", "від", "kimden",
    "feladó", "από", "de la", "dari", "差出人", "发件人", "寄件者", "發件人", "보낸 사람",
    "mittente", "absender", "expéditeur", "remitente", "afzender", "nadawca", "odesílatel",
}
# The keys of OTHER_KEYS that name the subject: its value is kept when a forwarded message's
# header block is dropped ("Subject: Completion money" says what the mail is about).
SUBJECT_KEYS = {
    "subject", "objet", "betreff", "asunto", "assunto", "onderwerp", "oggetto", "ämne", "emne",
    "aihe", "temat", "předmět", "тема", "konu", "tárgy", "θέμα", "subiect", "件名", "主题", "主旨",
    "제목", "perihal", "subjek",
}
# The keys of OTHER_KEYS that give when the copied message was sent.
DATE_KEYS = {
    "sent", "date", "envoyé", "date d'envoi", "gesendet", "datum", "enviado", "enviado el",
    "fecha", "enviada em", "data", "verzonden", "verstuurd", "inviato", "inviato il", "skickat",
    "sendt", "dato", "lähetetty", "päivämäärä", "wysłano", "data wysłania", "odesláno",
    "datum odeslání", "отправлено", "дата", "надіслано", "дата відправлення", "gönderildi",
    "tarih", "gönderilme tarihi", "elküldve", "dátum", "στάλθηκε", "ημερομηνία", "trimis",
    "送信日時", "日付", "发送时间", "日期", "寄件日期", "時間", "보낸 날짜", "날짜", "tanggal",
}
OTHER_KEYS = {
    "sent", "date", "to", "subject", "cc", "reply to",  # en
    "envoyé", "à", "objet", "date d'envoi", "a",  # fr
    "gesendet", "datum", "an", "betreff", "kopie",  # de
    "enviado", "enviado el", "fecha", "para", "asunto", "assunto", "enviada em", "data",  # es, pt
    "verzonden", "aan", "onderwerp", "verstuurd",  # nl
    "inviato", "oggetto", "inviato il",  # it
    "skickat", "till", "ämne", "sendt", "til", "emne", "dato",  # sv, da, no
    "lähetetty", "vastaanottaja", "aihe", "päivämäärä",  # fi
    "wysłano", "do", "temat", "data wysłania",  # pl
    "odesláno", "komu", "předmět", "datum odeslání",  # cs
    "отправлено", "кому", "тема", "дата", "копия", "надіслано", "дата відправлення",  # ru, uk
    "gönderildi", "kime", "konu", "tarih", "gönderilme tarihi",  # tr
    "elküldve", "címzett", "tárgy", "dátum",  # hu
    "στάλθηκε", "προς", "θέμα", "ημερομηνία",  # el
    "trimis", "către", "subiect",  # ro
    "送信日時", "宛先", "件名", "日付",  # ja
    "发送时间", "收件人", "主题", "日期", "寄件日期", "收件者", "主旨", "時間",  # zh
    "보낸 날짜", "받는 사람", "제목", "날짜",  # ko
    "tanggal", "kepada", "perihal", "subjek",  # id
}


# The ruler above an email attached whole (message/rfc822, an Outlook .msg), with its From, Date
# and Subject lines under it: mime_text.py and documents.py write it, FORWARD_TITLE reads it.
ATTACHED_MESSAGE_RULER = "---------- Attached message ----------"
