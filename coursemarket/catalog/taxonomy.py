"""The platform's category tree and the skill vocabulary's normalisation."""

from __future__ import annotations

import re
import unicodedata

from django.utils.text import slugify

# slug, icon, featured, {language: name}, children [(slug, {language: name})]
Names = dict[str, str]
CATEGORY_TREE: list[tuple[str, str, bool, Names, list[tuple[str, Names]]]] = [
    ("languages", "translate", True,
     {"en": "Languages", "es": "Idiomas", "de": "Sprachen", "fr": "Langues", "ar": "اللغات"},
     [("spanish", {"en": "Spanish", "es": "Español", "de": "Spanisch", "fr": "Espagnol", "ar": "الإسبانية"}),
      ("english", {"en": "English", "es": "Inglés", "de": "Englisch", "fr": "Anglais", "ar": "الإنجليزية"}),
      ("german", {"en": "German", "es": "Alemán", "de": "Deutsch", "fr": "Allemand", "ar": "الألمانية"}),
      ("french", {"en": "French", "es": "Francés", "de": "Französisch", "fr": "Français", "ar": "الفرنسية"}),
      ("japanese", {"en": "Japanese", "es": "Japonés", "de": "Japanisch", "fr": "Japonais", "ar": "اليابانية"}),
      ("arabic", {"en": "Arabic", "es": "Árabe", "de": "Arabisch", "fr": "Arabe", "ar": "العربية"})]),
    ("arts-crafts", "palette", True,
     {"en": "Arts & crafts", "es": "Arte y manualidades", "de": "Kunst & Handwerk", "fr": "Arts et artisanat", "ar": "الفنون والحرف"},
     [("pottery", {"en": "Pottery & ceramics", "es": "Cerámica", "de": "Töpfern & Keramik", "fr": "Poterie et céramique", "ar": "الفخار والخزف"}),
      ("painting", {"en": "Painting & drawing", "es": "Pintura y dibujo", "de": "Malen & Zeichnen", "fr": "Peinture et dessin", "ar": "الرسم والتلوين"}),
      ("photography", {"en": "Photography", "es": "Fotografía", "de": "Fotografie", "fr": "Photographie", "ar": "التصوير الفوتوغرافي"})]),
    ("cooking", "egg-fried", True,
     {"en": "Cooking", "es": "Cocina", "de": "Kochen", "fr": "Cuisine", "ar": "الطبخ"},
     [("baking", {"en": "Baking & pastry", "es": "Repostería", "de": "Backen & Konditorei", "fr": "Pâtisserie", "ar": "الخبز والحلويات"}),
      ("world-cuisine", {"en": "World cuisine", "es": "Cocina del mundo", "de": "Internationale Küche", "fr": "Cuisines du monde", "ar": "مطابخ العالم"}),
      ("wine", {"en": "Wine & coffee", "es": "Vino y café", "de": "Wein & Kaffee", "fr": "Vin et café", "ar": "القهوة والمشروبات"})]),
    ("music", "music-note-beamed", True,
     {"en": "Music", "es": "Música", "de": "Musik", "fr": "Musique", "ar": "الموسيقى"},
     [("guitar", {"en": "Guitar", "es": "Guitarra", "de": "Gitarre", "fr": "Guitare", "ar": "الغيتار"}),
      ("piano", {"en": "Piano", "es": "Piano", "de": "Klavier", "fr": "Piano", "ar": "البيانو"}),
      ("singing", {"en": "Singing", "es": "Canto", "de": "Gesang", "fr": "Chant", "ar": "الغناء"})]),
    ("dance", "person-arms-up", True,
     {"en": "Dance", "es": "Baile", "de": "Tanz", "fr": "Danse", "ar": "الرقص"},
     [("salsa", {"en": "Salsa & bachata", "es": "Salsa y bachata", "de": "Salsa & Bachata", "fr": "Salsa et bachata", "ar": "السالسا والباتشاتا"}),
      ("ballet", {"en": "Ballet", "es": "Ballet", "de": "Ballett", "fr": "Ballet", "ar": "الباليه"}),
      ("contemporary", {"en": "Contemporary & hip hop", "es": "Contemporáneo y hip hop", "de": "Contemporary & Hip-Hop", "fr": "Contemporain et hip-hop", "ar": "الرقص المعاصر والهيب هوب"})]),
    ("sports", "bicycle", False,
     {"en": "Sports & wellbeing", "es": "Deporte y bienestar", "de": "Sport & Wohlbefinden", "fr": "Sport et bien-être", "ar": "الرياضة والعافية"},
     [("yoga", {"en": "Yoga & pilates", "es": "Yoga y pilates", "de": "Yoga & Pilates", "fr": "Yoga et Pilates", "ar": "اليوغا والبيلاتس"}),
      ("climbing", {"en": "Climbing", "es": "Escalada", "de": "Klettern", "fr": "Escalade", "ar": "التسلق"}),
      ("swimming", {"en": "Swimming", "es": "Natación", "de": "Schwimmen", "fr": "Natation", "ar": "السباحة"})]),
    ("technology", "code-slash", True,
     {"en": "Technology", "es": "Tecnología", "de": "Technologie", "fr": "Technologie", "ar": "التكنولوجيا"},
     [("programming", {"en": "Programming", "es": "Programación", "de": "Programmierung", "fr": "Programmation", "ar": "البرمجة"}),
      ("data-science", {"en": "Data science & AI", "es": "Ciencia de datos e IA", "de": "Data Science & KI", "fr": "Science des données et IA", "ar": "علم البيانات والذكاء الاصطناعي"}),
      ("web-development", {"en": "Web development", "es": "Desarrollo web", "de": "Webentwicklung", "fr": "Développement web", "ar": "تطوير الويب"}),
      ("design", {"en": "UX & graphic design", "es": "Diseño UX y gráfico", "de": "UX- & Grafikdesign", "fr": "Design UX et graphique", "ar": "تصميم تجربة المستخدم والتصميم الجرافيكي"})]),
    ("business", "briefcase", False,
     {"en": "Business", "es": "Negocios", "de": "Business", "fr": "Entreprise", "ar": "الأعمال"},
     [("marketing", {"en": "Marketing", "es": "Marketing", "de": "Marketing", "fr": "Marketing", "ar": "التسويق"}),
      ("finance", {"en": "Finance & accounting", "es": "Finanzas y contabilidad", "de": "Finanzen & Buchhaltung", "fr": "Finance et comptabilité", "ar": "المالية والمحاسبة"}),
      ("entrepreneurship", {"en": "Entrepreneurship", "es": "Emprendimiento", "de": "Unternehmertum", "fr": "Entrepreneuriat", "ar": "ريادة الأعمال"})]),
    ("personal-development", "lightbulb", False,
     {"en": "Personal development", "es": "Desarrollo personal", "de": "Persönliche Entwicklung", "fr": "Développement personnel", "ar": "التطوير الشخصي"},
     [("public-speaking", {"en": "Public speaking", "es": "Hablar en público", "de": "Öffentliches Reden", "fr": "Prise de parole en public", "ar": "الخطابة"}),
      ("writing", {"en": "Creative writing", "es": "Escritura creativa", "de": "Kreatives Schreiben", "fr": "Écriture créative", "ar": "الكتابة الإبداعية"}),
      ("mindfulness", {"en": "Mindfulness", "es": "Mindfulness", "de": "Achtsamkeit", "fr": "Pleine conscience", "ar": "اليقظة الذهنية"})]),
    ("driving", "car-front", False,
     {"en": "Driving", "es": "Conducción", "de": "Fahrschule", "fr": "Conduite", "ar": "القيادة"},
     [("car-licence", {"en": "Car licence", "es": "Carné de coche", "de": "Autoführerschein", "fr": "Permis voiture", "ar": "رخصة السيارة"}),
      ("motorcycle", {"en": "Motorcycle licence", "es": "Carné de moto", "de": "Motorradführerschein", "fr": "Permis moto", "ar": "رخصة الدراجة النارية"})]),
]  # fmt: skip

# Spellings people type for the same skill.
SKILL_SYNONYMS = {
    "js": "javascript",
    "ecmascript": "javascript",
    "py": "python",
    "python3": "python",
    "ml": "machine learning",
    "ai": "artificial intelligence",
    "ux": "user experience",
    "ui design": "user interface design",
    "bbq": "barbecue",
    "conversation": "conversational fluency",
    "speaking": "conversational fluency",
}


def normalise_skill(raw: str) -> tuple[str, str]:
    """A free tag → (display name, slug) of the shared vocabulary entry.

    Case, accents in the slug, surrounding punctuation and runs of spaces
    don't make a new skill; known synonyms map onto one entry.
    """
    text = unicodedata.normalize("NFKC", raw).strip().strip(".,;:!?#").strip()
    text = re.sub(r"\s+", " ", text)
    canonical = SKILL_SYNONYMS.get(text.lower(), text.lower())
    name = canonical[:1].upper() + canonical[1:]
    slug = slugify(canonical, allow_unicode=False) or slugify(canonical, allow_unicode=True)
    return name[:80], slug[:80]
