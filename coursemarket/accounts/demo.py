"""Demo accounts: one per role (shown by `make run`) and a few dozen students
from around the world with real-looking profiles. Idempotent: running it again
changes nothing and creates no duplicates. Every demo person has a verified
email address, so they can sign in with DEMO_PASSWORD."""

from __future__ import annotations

import unicodedata

from allauth.account.models import EmailAddress

from .models import NotificationPreferences, StudentProfile, User

DEMO_PASSWORD = "coursemarket-demo"  # noqa: S105 (published demo sign-in, shown by make run)

DEMO_USERS = [
    # email, display name, first, last, is_staff (operator), language, timezone
    ("operator@coursemarket.test", "Olivia Operator", "Olivia", "Brandt", True, "en", "Europe/Berlin"),
    ("owner@coursemarket.test", "Marta Ruiz", "Marta", "Ruiz", False, "es", "Europe/Madrid"),
    ("instructor@coursemarket.test", "Kenji Watanabe", "Kenji", "Watanabe", False, "en", "Asia/Tokyo"),
    ("student@coursemarket.test", "Amira Haddad", "Amira", "Haddad", False, "ar", "Africa/Cairo"),
]

# first, last, site language, time zone, city, languages spoken, interests (category slugs), bio
DEMO_STUDENTS: list[tuple[str, str, str, str, str, list[str], list[str], str]] = [
    (
        "Amira",
        "Haddad",
        "ar",
        "Africa/Cairo",
        "Cairo",
        ["ar", "en", "fr"],
        ["french", "photography", "baking"],
        "Architect by day. Learning French for a year in Lyon and trying to take better photos of old buildings.",
    ),
    (
        "Lucía",
        "Fernández",
        "es",
        "Europe/Madrid",
        "Sevilla",
        ["es", "en"],
        ["pottery", "painting"],
        "Maestra de primaria. Busco talleres de cerámica los fines de semana para desconectar de las pantallas.",
    ),
    (
        "Jonas",
        "Becker",
        "de",
        "Europe/Berlin",
        "Leipzig",
        ["de", "en"],
        ["spanish", "wine"],
        "Ich plane eine Radreise durch Andalusien und möchte mich dort wenigstens am Tresen verständigen können.",
    ),
    (
        "Camille",
        "Moreau",
        "fr",
        "Europe/Paris",
        "Lyon",
        ["fr", "en", "it"],
        ["baking", "world-cuisine"],
        "Ingénieure le jour, pâtissière amateure le soir. Je veux enfin réussir des macarons qui ne craquent pas.",
    ),
    (
        "Youssef",
        "El Amrani",
        "fr",
        "Africa/Casablanca",
        "Casablanca",
        ["ar", "fr", "en"],
        ["photography", "english"],
        "Graphiste indépendant. J'aimerais me lancer dans la photo de rue et améliorer mon anglais professionnel.",
    ),
    (
        "Priya",
        "Raman",
        "en",
        "Asia/Kolkata",
        "Bengaluru",
        ["en", "hi", "ta"],
        ["japanese", "painting"],
        "Backend developer who fell for Japanese through anime subtitles. Aiming for JLPT N4 by next spring.",
    ),
    (
        "Diego",
        "Morales",
        "es",
        "America/Mexico_City",
        "Ciudad de México",
        ["es", "en"],
        ["photography", "wine"],
        "Fotógrafo de bodas que quiere aprender a catar café de especialidad como se debe.",
    ),
    (
        "Hannah",
        "Schmidt",
        "de",
        "Europe/Vienna",
        "Wien",
        ["de", "en", "fr"],
        ["french", "pottery"],
        "Ärztin in Teilzeit. Nach Jahren ohne Hobby: Französisch auffrischen und an der Drehscheibe sitzen.",
    ),
    (
        "Kwame",
        "Mensah",
        "en",
        "Africa/Accra",
        "Accra",
        ["en", "fr"],
        ["french", "world-cuisine"],
        "Logistics manager working with partners in Abidjan and Lomé, so French is finally a must.",
    ),
    (
        "Sofia",
        "Rossi",
        "en",
        "Europe/Rome",
        "Bologna",
        ["it", "en", "es"],
        ["spanish", "painting"],
        "Art history student. I want to read Spanish catalogues without a dictionary and paint in watercolour again.",
    ),
    (
        "Mateus",
        "Oliveira",
        "es",
        "America/Sao_Paulo",
        "São Paulo",
        ["pt", "es", "en"],
        ["german", "photography"],
        "Engenheiro mecânico com uma vaga em vista em Stuttgart. Estudo alemão todas as manhãs antes do trabalho.",
    ),
    (
        "Aiko",
        "Tanaka",
        "en",
        "Asia/Tokyo",
        "Osaka",
        ["ja", "en"],
        ["english", "baking"],
        "Hotel receptionist in Osaka. I practise English with guests and want to bake proper sourdough at home.",
    ),
    (
        "Layla",
        "Nasser",
        "ar",
        "Asia/Dubai",
        "Dubai",
        ["ar", "en"],
        ["painting", "photography"],
        "مصممة داخلية أحب الرسم بالألوان المائية وأبحث عن ورشة تصوير في عطلة نهاية الأسبوع.",
    ),
    (
        "Omar",
        "Farouk",
        "ar",
        "Asia/Amman",
        "Amman",
        ["ar", "en", "de"],
        ["german", "world-cuisine"],
        "طالب هندسة أستعد لدراسة الماجستير في ألمانيا وأريد الوصول إلى مستوى B2 في اللغة الألمانية.",
    ),
    (
        "Emma",
        "Johansson",
        "en",
        "Europe/Stockholm",
        "Göteborg",
        ["sv", "en", "de"],
        ["pottery", "baking"],
        "UX researcher who unwinds by throwing bowls. Looking for an evening course near the tram line.",
    ),
    (
        "Liam",
        "O'Connor",
        "en",
        "Europe/Dublin",
        "Cork",
        ["en", "ga"],
        ["spanish", "world-cuisine"],
        "Nurse heading to Valencia for a six-month exchange. Spanish first, paella second.",
    ),
    (
        "Chloé",
        "Lambert",
        "fr",
        "America/Montreal",
        "Montréal",
        ["fr", "en"],
        ["japanese", "photography"],
        "Étudiante en design à Montréal. Je prépare un échange à Kyoto et je rattrape mon retard en japonais.",
    ),
    (
        "Mehmet",
        "Yılmaz",
        "de",
        "Europe/Istanbul",
        "İzmir",
        ["tr", "de", "en"],
        ["english", "painting"],
        "Lehrer für Deutsch als Fremdsprache. Ich möchte mein Englisch für internationale Konferenzen verbessern.",
    ),
    (
        "Nadia",
        "Kowalska",
        "en",
        "Europe/Warsaw",
        "Kraków",
        ["pl", "en", "de"],
        ["french", "baking"],
        "Translator working from German and English; adding French is my project for this year.",
    ),
    (
        "Santiago",
        "Gómez",
        "es",
        "America/Bogota",
        "Medellín",
        ["es", "en"],
        ["english", "photography"],
        "Desarrollador web en una startup. Necesito soltarme en inglés para las reuniones con el equipo de Toronto.",
    ),
    (
        "Valentina",
        "Herrera",
        "es",
        "America/Argentina/Buenos_Aires",
        "Buenos Aires",
        ["es", "it"],
        ["pottery", "wine"],
        "Abogada y sommelier en formación. Los sábados, torno y barro para bajar las revoluciones.",
    ),
    (
        "Thomas",
        "Dubois",
        "fr",
        "Europe/Brussels",
        "Bruxelles",
        ["fr", "nl", "en"],
        ["german", "painting"],
        "Fonctionnaire européen. J'ai besoin d'allemand pour mon poste et je dessine dans le métro.",
    ),
    (
        "Ingrid",
        "Larsen",
        "de",
        "Europe/Oslo",
        "Bergen",
        ["no", "en", "de"],
        ["spanish", "photography"],
        "Meeresbiologin mit Feldforschung in Chile. Spanisch steht ganz oben auf meiner Liste.",
    ),
    (
        "Ahmed",
        "Khalil",
        "ar",
        "Africa/Tunis",
        "Tunis",
        ["ar", "fr", "en"],
        ["english", "world-cuisine"],
        "صاحب مطعم صغير في تونس العاصمة. أريد تحسين لغتي الإنجليزية للتعامل مع السياح وتعلم أطباق جديدة.",
    ),
    (
        "Grace",
        "Wanjiru",
        "en",
        "Africa/Nairobi",
        "Nairobi",
        ["en", "sw"],
        ["photography", "painting"],
        "Product manager and weekend wildlife photographer. "
        "I want to learn to edit in a way that does the colours justice.",
    ),
    (
        "Minh",
        "Nguyen",
        "en",
        "Asia/Ho_Chi_Minh",
        "Hồ Chí Minh City",
        ["vi", "en"],
        ["baking", "japanese"],
        "Runs a small café and wants to add Japanese-style pastries to the menu.",
    ),
    (
        "Isabella",
        "Costa",
        "es",
        "Europe/Lisbon",
        "Porto",
        ["pt", "es", "en", "fr"],
        ["french", "wine"],
        "Guía turística en Oporto. Quiero llevar grupos franceses sin tener que pasar al inglés.",
    ),
    (
        "Noah",
        "Williams",
        "en",
        "America/New_York",
        "Brooklyn",
        ["en", "es"],
        ["pottery", "spanish"],
        "High-school chemistry teacher. Glazes are just chemistry you can eat off, so I signed up for wheel throwing.",
    ),
    (
        "Zara",
        "Ahmed",
        "en",
        "Europe/London",
        "Manchester",
        ["en", "ur", "ar"],
        ["arabic", "painting"],
        "Junior doctor reconnecting with Arabic so I can talk with my grandparents without my mum translating.",
    ),
    (
        "Felix",
        "Wagner",
        "de",
        "Europe/Zurich",
        "Zürich",
        ["de", "fr", "en"],
        ["world-cuisine", "wine"],
        "Bankkaufmann mit einer Schwäche für die thailändische Küche. Ich koche für Freunde, bald hoffentlich besser.",
    ),
    (
        "Mei",
        "Chen",
        "en",
        "Asia/Singapore",
        "Singapore",
        ["zh", "en", "ms"],
        ["french", "baking"],
        "Data analyst learning French because of a long-distance relationship and a love of croissants.",
    ),
    (
        "Lucas",
        "Martin",
        "fr",
        "Europe/Paris",
        "Marseille",
        ["fr", "es"],
        ["english", "photography"],
        "Marin-pêcheur reconverti dans le tourisme. L'anglais, c'est pour les visiteurs du Vieux-Port.",
    ),
    (
        "Olga",
        "Petrenko",
        "de",
        "Europe/Berlin",
        "Berlin",
        ["uk", "de", "en"],
        ["german", "pottery"],
        "Seit zwei Jahren in Berlin. Ich arbeite auf C1 hin und suche ein ruhiges Hobby mit den Händen.",
    ),
    (
        "Samuel",
        "Adeyemi",
        "en",
        "Africa/Lagos",
        "Lagos",
        ["en", "fr"],
        ["photography", "english"],
        "Content creator building a small studio. Lighting and composition courses are next on my list.",
    ),
    (
        "Sara",
        "Lindqvist",
        "en",
        "Europe/Helsinki",
        "Helsinki",
        ["fi", "sv", "en"],
        ["spanish", "baking"],
        "Software tester who spends every winter holiday in the Canary Islands; time to order in Spanish.",
    ),
]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("ı", "i")).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def student_email(first: str, last: str) -> str:
    return f"{_slug(first)}.{_slug(last)}@students.coursemarket.test"


def _ensure_user(email: str, defaults: dict[str, object]) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(email=email, defaults=defaults)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    # A verified primary address: mandatory verification lets them sign in.
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    NotificationPreferences.objects.get_or_create(user=user)
    return user, created


def seed() -> list[str]:
    from coursemarket.catalog import demo as catalog_demo
    from coursemarket.catalog.models import Category

    # Interests point at categories; seeding the tree is idempotent, so make
    # sure it is there whatever order seed_demo runs the seeders in.
    catalog_demo.seed()
    categories = {c.slug: c for c in Category.objects.all()}

    created = []
    for email, display, first, last, staff, language, tz in DEMO_USERS:
        _user, was_created = _ensure_user(
            email,
            {
                "display_name": display,
                "first_name": first,
                "last_name": last,
                "is_staff": staff,
                "is_superuser": staff,
                "language": language,
                "timezone": tz,
            },
        )
        if was_created:
            created.append(email)

    for first, last, language, tz, city, spoken, interests, bio in DEMO_STUDENTS:
        email = "student@coursemarket.test" if (first, last) == ("Amira", "Haddad") else student_email(first, last)
        user, was_created = _ensure_user(
            email,
            {
                "display_name": f"{first} {last}",
                "first_name": first,
                "last_name": last,
                "language": language,
                "timezone": tz,
            },
        )
        profile, profile_created = StudentProfile.objects.get_or_create(
            user=user, defaults={"bio": bio, "city": city, "languages_spoken": spoken}
        )
        if profile_created:
            profile.interests.set([categories[slug] for slug in interests if slug in categories])
        if was_created:
            created.append(email)
    return created
