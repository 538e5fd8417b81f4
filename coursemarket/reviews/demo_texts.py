"""Phrase banks for the demo's generated reviews (no outside data): each text
is an opener for its star level, one or two details and a closing line, in
the reviewer's language."""

from __future__ import annotations

import random

OPENERS = {
    "en": {
        5: [
            "Absolutely loved this course.",
            "One of the best things I did this year.",
            "Brilliant from start to finish.",
            "Exceeded every expectation.",
            "I would take it again tomorrow.",
        ],
        4: [
            "A really good course overall.",
            "Very enjoyable and useful.",
            "Solid course, well organised.",
            "I learned a lot and had fun.",
        ],
        3: [
            "Decent, but not quite what I hoped.",
            "Some good parts, some weaker ones.",
            "It was fine, nothing special.",
        ],
        2: ["Disappointing, to be honest.", "Not worth the price for me.", "I expected much more."],
        1: ["I would not recommend it.", "A frustrating experience.", "Sadly, this did not work for me at all."],
    },
    "es": {
        5: ["Un curso fantástico.", "Me ha encantado de principio a fin.", "Lo recomiendo sin dudarlo."],
        4: ["Muy buen curso en general.", "Aprendí mucho y lo pasé bien."],
        3: ["Correcto, aunque esperaba algo más.", "Tiene cosas buenas y otras mejorables."],
        2: ["Me decepcionó bastante.", "No compensa el precio."],
        1: ["No lo recomendaría.", "Una experiencia frustrante."],
    },
    "de": {
        5: ["Ein großartiger Kurs.", "Von Anfang bis Ende toll.", "Uneingeschränkt empfehlenswert."],
        4: ["Insgesamt ein sehr guter Kurs.", "Ich habe viel gelernt und hatte Spaß."],
        3: ["Ganz ordentlich, aber ich hatte mehr erwartet.", "Teils gut, teils ausbaufähig."],
        2: ["Leider enttäuschend.", "Für den Preis zu wenig."],
        1: ["Ich kann ihn nicht empfehlen.", "Eine frustrierende Erfahrung."],
    },
    "fr": {
        5: ["Un cours formidable.", "J'ai adoré du début à la fin.", "Je le recommande vivement."],
        4: ["Très bon cours dans l'ensemble.", "J'ai beaucoup appris, dans la bonne humeur."],
        3: ["Correct, mais j'attendais un peu plus.", "Des points forts et des points faibles."],
        2: ["Plutôt décevant.", "Trop cher pour ce que c'est."],
        1: ["Je ne le recommande pas.", "Une expérience frustrante."],
    },
    "ar": {
        5: ["دورة رائعة بكل معنى الكلمة.", "استمتعت بكل لحظة فيها.", "أنصح بها بشدة."],
        4: ["دورة جيدة جداً بشكل عام.", "تعلمت الكثير واستمتعت."],
        3: ["لا بأس بها، لكني توقعت أكثر.", "فيها جوانب جيدة وأخرى تحتاج إلى تحسين."],
        2: ["كانت مخيبة للآمال قليلاً.", "السعر مرتفع مقارنة بالمحتوى."],
        1: ["لا أنصح بها.", "تجربة محبطة للأسف."],
    },
}

DETAILS = {
    "en": {
        "good": [
            "{teacher} explained everything clearly and patiently.",
            "The group was small, so everyone got attention.",
            "Lots of hands-on practice instead of just theory.",
            "The materials were well prepared and easy to follow.",
            "The room was bright and had everything we needed.",
            "I finally feel confident doing this on my own.",
            "Each class built nicely on the one before.",
            "{teacher} gave us honest, useful feedback.",
        ],
        "bad": [
            "The pace was too fast for beginners.",
            "We spent too long on things the description said we knew.",
            "The room was cramped and noisy.",
            "Two classes started late.",
            "There was little time to practise.",
            "The materials felt out of date.",
            "Feedback was rare and very general.",
        ],
    },
    "es": {
        "good": [
            "{teacher} lo explicó todo con claridad y paciencia.",
            "Grupo pequeño: atención para todos.",
            "Mucha práctica y poca teoría.",
            "Los materiales estaban muy bien preparados.",
        ],
        "bad": ["El ritmo era demasiado rápido.", "El aula era pequeña y ruidosa.", "Faltó tiempo para practicar."],
    },
    "de": {
        "good": [
            "{teacher} hat alles geduldig und verständlich erklärt.",
            "Kleine Gruppe, jeder kam dran.",
            "Viel Praxis statt nur Theorie.",
            "Die Unterlagen waren sehr gut vorbereitet.",
        ],
        "bad": ["Das Tempo war für Anfänger zu hoch.", "Der Raum war eng und laut.", "Zu wenig Zeit zum Üben."],
    },
    "fr": {
        "good": [
            "{teacher} explique tout avec clarté et patience.",
            "Petit groupe : chacun est suivi.",
            "Beaucoup de pratique, peu de théorie.",
            "Les supports étaient très bien préparés.",
        ],
        "bad": ["Le rythme était trop rapide.", "La salle était petite et bruyante.", "Peu de temps pour pratiquer."],
    },
    "ar": {
        "good": [
            "شرح {teacher} كل شيء بوضوح وصبر.",
            "المجموعة صغيرة فحصل الجميع على الاهتمام.",
            "تطبيق عملي كثير وليس مجرد نظريات.",
            "المواد كانت معدّة بعناية.",
        ],
        "bad": ["الإيقاع كان سريعاً جداً للمبتدئين.", "القاعة كانت ضيقة ومزعجة.", "لم يكن هناك وقت كافٍ للتدريب."],
    },
}

CLOSERS = {
    "en": {
        "good": ["Already looking at the next level.", "Thank you!", "Highly recommended.", ""],
        "bad": ["I hope they improve it.", "Maybe better for more advanced students.", ""],
    },
    "es": {"good": ["¡Gracias!", "Ya estoy mirando el siguiente nivel.", ""], "bad": ["Ojalá lo mejoren.", ""]},
    "de": {"good": ["Danke!", "Ich buche sicher den nächsten Kurs.", ""], "bad": ["Hoffentlich wird es besser.", ""]},
    "fr": {
        "good": ["Merci !", "Je reviendrai pour le niveau suivant.", ""],
        "bad": ["J'espère qu'ils l'amélioreront.", ""],
    },
    "ar": {"good": ["شكراً جزيلاً!", "سأسجل في المستوى التالي.", ""], "bad": ["أتمنى أن يحسّنوها.", ""]},
}

TITLES = {
    "en": {
        5: ["Wonderful", "Highly recommended", "Best course I've taken", "Worth every minute"],
        4: ["Very good", "Great value", "Enjoyed it"],
        3: ["Okay", "Mixed feelings"],
        2: ["Not great", "Disappointing"],
        1: ["Avoid", "Very disappointing"],
    },
    "es": {5: ["Excelente", "Muy recomendable"], 4: ["Muy bien"], 3: ["Correcto"], 2: ["Flojo"], 1: ["Decepcionante"]},
    "de": {
        5: ["Hervorragend", "Sehr empfehlenswert"],
        4: ["Sehr gut"],
        3: ["In Ordnung"],
        2: ["Mäßig"],
        1: ["Enttäuschend"],
    },
    "fr": {5: ["Excellent", "À recommander"], 4: ["Très bien"], 3: ["Correct"], 2: ["Moyen"], 1: ["Décevant"]},
    "ar": {5: ["ممتازة", "أنصح بها"], 4: ["جيدة جداً"], 3: ["مقبولة"], 2: ["ضعيفة"], 1: ["مخيبة للآمال"]},
}

ANSWERS = {
    "good": [
        "Thank you so much for your kind words — it was a pleasure having you in class!",
        "Thanks for taking the time to write this. See you at the next level!",
        "We are delighted you enjoyed it. Your feedback means a lot to the whole team.",
    ],
    "bad": [
        "Thank you for the honest feedback. We have shortened the theory part and added practice time.",
        "We are sorry the course did not meet your expectations. Please write to us so we can make it right.",
        "Thanks for telling us. We have moved this course to a bigger room from next month.",
    ],
}

# Texts the automatic check holds (links, contact details, blocked words).
HELD_TEXTS = [
    "Great teacher! For private lessons write to me at maria.lopez.classes@gmail.com, much cheaper than here.",
    "Good course. I made a summary of all the classes, download it at www.my-course-notes.com before it is gone.",
    "Nice group. If you want to practise together, call me on +34 612 345 678 any evening after 7.",
    "Fun evening but join our whatsapp group for cheaper lessons with the same teacher, message me.",
    "The course was ok. Check out https://cheap-courses.example.net/offer for the same thing at half price.",
]

REPORTED_TEXTS = [
    "The teacher was rude and the whole school is a joke. Don't waste your money on these clowns.",
    "I did not actually go but my friend said it was bad, so one star from me.",
    "Terrible. The worst. Nothing else to say about this place, honestly avoid it completely.",
]

FIRST_NAMES = [
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Elif",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kaito",
    "Lea",
    "Mateo",
    "Nadia",
    "Omar",
    "Paula",
    "Quentin",
    "Rosa",
    "Sven",
    "Tara",
    "Umar",
    "Vera",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Aisha",
    "Bruno",
    "Chloé",
    "Diego",
    "Emma",
    "Fatima",
    "Giulia",
    "Hannah",
    "Ivan",
    "Julia",
    "Karim",
    "Laura",
    "Mehdi",
    "Noor",
    "Olga",
    "Pierre",
    "Rania",
    "Sofia",
    "Tomás",
    "Lucas",
    "Mia",
    "Noah",
    "Lina",
]
LAST_NAMES = [
    "Schmidt",
    "García",
    "Martin",
    "Rossi",
    "Yilmaz",
    "Haddad",
    "Nowak",
    "Silva",
    "Dubois",
    "Kowalski",
    "Tanaka",
    "Müller",
    "López",
    "Bernard",
    "Fischer",
    "Santos",
    "Ahmed",
    "Novak",
    "Jensen",
    "Moreau",
    "Costa",
    "Weber",
    "Chen",
    "Khan",
    "Ibrahim",
    "Petrov",
    "Fernández",
    "Lambert",
    "Bauer",
    "Mansour",
]


def star_rating(rng: random.Random, quality: float) -> int:
    """A J-shaped distribution like real course reviews, shifted by quality (-1..1)."""
    weights = [0.035, 0.035, 0.08, 0.23, 0.62]
    shift = max(-1.0, min(1.0, quality))
    weights = [w * (1 - 0.6 * shift) if i < 3 else w for i, w in enumerate(weights)]
    weights[4] *= 1 + 0.4 * shift
    return rng.choices([1, 2, 3, 4, 5], weights=weights)[0]


def review_text(rng: random.Random, language: str, stars: int, teacher: str) -> tuple[str, str]:
    mood = "good" if stars >= 4 else "bad"
    lang = language if language in OPENERS else "en"
    parts = [rng.choice(OPENERS[lang][stars])]
    details = DETAILS[lang][mood] + (DETAILS[lang]["good"][:2] if stars == 3 else [])
    parts += rng.sample(details, k=min(len(details), rng.choice([1, 2, 2, 3])))
    closer = rng.choice(CLOSERS[lang][mood])
    if closer:
        parts.append(closer)
    text = " ".join(parts).replace("{teacher}", teacher or {"en": "The teacher", "es": "La profesora",
                                                              "de": "Die Lehrerin", "fr": "Le professeur",
                                                              "ar": "المدرّس"}[lang])  # fmt: skip
    return rng.choice(TITLES[lang][stars]), text
