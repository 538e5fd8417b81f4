"""The demo catalog: 150+ published courses with sessions over the next 90 days.

Every school that `seed_demo` created before this seeder gets courses that fit
it (read from its name, tagline and description), taught in its languages, in
its country's currency, with weekly meetings at local evening or weekend
times, in its rooms and with its instructors. Everything is written through
the catalog services (course_create, course_publish, session_create, …) with
the school owner as the actor, so validation, UTC conversion and the audit
trail are the real ones.

Idempotent: a course is recognised by its school and title, so running the
seeder again creates nothing. The plan is deterministic (seeded by the school's
slug), so the same schools always get the same demo.
"""

from __future__ import annotations

import random
import re
import textwrap
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from coursemarket.schools.models import Instructor, Location, Membership, Role, Room, School

from . import services
from .models import TEACHING_LANGUAGES, Category, Course, CourseStatus, DeliveryMode, Level, Session
from .policies import CancellationPolicy
from .services import MeetingInput, SessionInput

IN_PERSON, ONLINE, HYBRID = DeliveryMode.IN_PERSON.value, DeliveryMode.ONLINE.value, DeliveryMode.HYBRID.value
BEGINNER, ELEMENTARY, INTERMEDIATE = Level.BEGINNER.value, Level.ELEMENTARY.value, Level.INTERMEDIATE.value
UPPER, ADVANCED, ALL = Level.UPPER_INTERMEDIATE.value, Level.ADVANCED.value, Level.ALL.value

# How many published courses the demo aims for, across all schools.
TARGET_PUBLISHED = 170
HORIZON_DAYS = 90


@dataclass(frozen=True)
class Template:
    """A course as a school would write it, before it is placed in a school."""

    category: str  # a subcategory slug, or a root slug for what fits no child (flamenco, DJ)
    title: str
    summary: str
    description: str  # Markdown
    included: str  # one item a line
    prerequisites: str
    audience: str
    level: str
    meetings: int  # weekly meetings per session
    hours: str  # length of one meeting, in hours
    price: int  # typical price per seat in euros; scaled to the local currency and price level
    skills: tuple[str, ...]
    modes: tuple[str, ...] = (IN_PERSON,)
    slot: str = "evening"  # evening (weekday), weekend (daytime) or any
    group: tuple[int, int] = (4, 12)
    countries: tuple[str, ...] = ()  # only offered by schools in these countries (empty: anywhere)
    teach: str = ""  # the teaching language when the content fixes it (language courses)
    tr: tuple[tuple[str, str, str], ...] = ()  # (language, title, summary)


def _md(text: str) -> str:
    return textwrap.dedent(text).strip()


LIBRARY: list[Template] = [
    # --- Languages -----------------------------------------------------------------------------------
    Template(
        "spanish",
        "Spanish from zero (A1)",
        "Your first steps in Spanish: introduce yourself, order food, ask the way and understand the answer.",
        _md("""
            A structured start for complete beginners. Each class mixes one short grammar point with plenty of
            speaking in pairs, so you use every new word the same evening.

            **By the end of the course you can:**

            - introduce yourself and talk about your work, family and city
            - order in a bar or restaurant and ask about prices
            - ask for and understand simple directions
            - use the present tense of the most common verbs

            We follow the Instituto Cervantes curriculum for level A1.
        """),
        "Course book and workbook (PDF)\nWeekly vocabulary quizzes online\nCertificate of attendance",
        "None: the course starts from the very first word.",
        "Newcomers, travellers and anyone who has always wanted to start Spanish.",
        BEGINNER,
        8,
        "2",
        220,
        ("Spanish", "Conversation", "Listening comprehension"),
        modes=(IN_PERSON, HYBRID),
        group=(3, 10),
        teach="es",
        tr=(
            (
                "es",
                "Español desde cero (A1)",
                "Tus primeros pasos en español: preséntate, pide en un bar, pregunta el camino y entiende la "
                "respuesta.",
            ),
            (
                "fr",
                "L'espagnol en partant de zéro (A1)",
                "Vos premiers pas en espagnol : vous présenter, commander, demander votre chemin et comprendre.",
            ),
            (
                "ar",
                "الإسبانية من الصفر (A1)",
                "خطواتك الأولى في الإسبانية: قدّم نفسك، واطلب طعامك، واسأل عن الطريق وافهم الإجابة.",
            ),
        ),
    ),
    Template(
        "spanish",
        "Spanish conversation club (B1–B2)",
        "Two hours of real conversation a week on the news, films and everyday life, with a teacher who "
        "corrects what matters.",
        _md("""
            You understand a lot but the words do not come out when you need them? This club is for you. Every
            week a new topic, a short article or video to warm up, then debates, role plays and storytelling in
            small groups.

            Your teacher keeps a note of your recurring mistakes and gives each of you a short written feedback
            every two weeks.

            - Topics chosen with the group: housing, work, politics, food, football
            - Idioms and colloquial Spanish you will not find in textbooks
            - A final conversation in a café with the whole group
        """),
        "Conversation materials every week\nPersonal written feedback every two weeks",
        "Level B1: you can talk about past events and plans, even with mistakes.",
        "Intermediate learners who want fluency more than grammar.",
        INTERMEDIATE,
        6,
        "2",
        150,
        ("Spanish", "Conversation", "Fluency"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(4, 8),
        teach="es",
        tr=(
            (
                "es",
                "Club de conversación en español (B1–B2)",
                "Dos horas de conversación real cada semana sobre la actualidad, el cine y la vida diaria.",
            ),
            (
                "de",
                "Spanisch-Konversationsclub (B1–B2)",
                "Zwei Stunden echte Unterhaltung pro Woche über Nachrichten, Filme und Alltag.",
            ),
        ),
    ),
    Template(
        "spanish",
        "DELE B2 exam preparation",
        "Train all four parts of the DELE B2 with past papers, timed mock exams and an examiner's feedback.",
        _md("""
            The DELE B2 is the certificate most universities and employers in Spain ask for. This course takes
            you through the exam part by part, with the strategies that save time and points.

            1. Reading and use of Spanish: question types and traps
            2. Listening: note-taking on real recordings
            3. Writing: the two tasks, marked with the official grid
            4. Speaking: the monologue, the conversation and the photo task

            The last meeting is a full mock exam in real conditions.
        """),
        "Past papers and model answers\nTwo marked writing tasks per week\nFull mock exam",
        "Level B1 completed, or a placement test with us.",
        "Students and professionals who need an official B2 certificate.",
        UPPER,
        8,
        "2.5",
        320,
        ("Spanish", "DELE", "Exam preparation", "Academic writing"),
        modes=(IN_PERSON, HYBRID),
        group=(3, 10),
        teach="es",
        tr=(
            (
                "es",
                "Preparación del DELE B2",
                "Entrena las cuatro pruebas del DELE B2 con exámenes reales, simulacros y la corrección de un "
                "examinador.",
            ),
        ),
    ),
    Template(
        "english",
        "English for everyday life (A2)",
        "Build the English you need for work, shops, doctors and small talk, in a friendly small group.",
        _md("""
            A practical course for learners who know the basics and want to use them. Every class is built around
            a situation: calling the doctor, meeting new colleagues, complaining about a delivery.

            - Useful phrases first, grammar when you need it
            - Pronunciation practice in every class
            - Homework that takes fifteen minutes, not two hours

            You leave each class with phrases you can use the next morning.
        """),
        "Printed handouts\nAudio recordings of every dialogue",
        "You can introduce yourself and understand slow, simple English.",
        "Adults who live or work in English and want more confidence.",
        ELEMENTARY,
        8,
        "1.5",
        180,
        ("English", "Conversation", "Pronunciation"),
        modes=(IN_PERSON, ONLINE),
        group=(4, 10),
        teach="en",
        tr=(
            (
                "es",
                "Inglés para el día a día (A2)",
                "El inglés que necesitas para el trabajo, las tiendas, el médico y las conversaciones cotidianas.",
            ),
            (
                "ar",
                "الإنجليزية للحياة اليومية (A2)",
                "تعلّم الإنجليزية التي تحتاجها في العمل والتسوق وعند الطبيب وفي الأحاديث اليومية، ضمن مجموعة صغيرة.",
            ),
        ),
    ),
    Template(
        "english",
        "Business English: meetings, calls and emails (B2)",
        "Run a meeting, negotiate and write clear emails in English, with role plays from your own job.",
        _md("""
            For professionals who already work in English but want to sound clearer and more confident. We work
            on your real situations: bring an email you need to write or a meeting you are preparing.

            **Modules**

            - Meetings: opening, interrupting politely, summarising
            - Phone and video calls: small talk and getting to the point
            - Emails: tone, structure and the phrases native speakers use
            - Negotiating and disagreeing without offending
        """),
        "Phrase bank for meetings and emails\nFeedback on two of your own emails",
        "Upper-intermediate English (B1+ or above).",
        "Managers, engineers and freelancers working with international teams.",
        UPPER,
        6,
        "2",
        280,
        ("English", "Business English", "Negotiation", "Email writing"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(3, 8),
        teach="en",
        tr=(
            (
                "de",
                "Business English: Meetings, Telefonate und E-Mails (B2)",
                "Meetings leiten, verhandeln und klare E-Mails schreiben – mit Rollenspielen aus Ihrem Berufsalltag.",
            ),
        ),
    ),
    Template(
        "english",
        "IELTS Academic preparation",
        "Strategies, timed practice and individual feedback for a band 7 in the IELTS Academic test.",
        _md("""
            Most students lose points in IELTS not because of their English but because they do not know the
            test. We go through every task type with a clear method and plenty of timed practice.

            - Writing Task 1 and 2, marked against the official band descriptors
            - Reading: skimming, scanning and the True/False/Not Given questions
            - Listening: the four sections and spelling traps
            - Speaking: two recorded mock interviews with feedback
        """),
        "Cambridge practice tests\nFour marked essays\nTwo recorded speaking mocks",
        "Level B2 or an IELTS score of 5.5 or more.",
        "Students applying to universities abroad and people emigrating.",
        UPPER,
        8,
        "2",
        350,
        ("English", "IELTS", "Exam preparation", "Academic writing"),
        modes=(IN_PERSON, ONLINE),
        group=(3, 10),
        teach="en",
    ),
    Template(
        "german",
        "German for beginners (A1.1)",
        "Start German with confidence: greetings, numbers, shopping and your first conversations.",
        _md("""
            The first half of level A1, at a pace that leaves room for questions. We speak German from the first
            minute, with English or your language only when it really helps.

            - Introducing yourself and others
            - Numbers, prices, times and dates
            - Shopping, ordering and making appointments
            - Articles and word order without tears

            After this course you continue with A1.2 and reach the full A1 level.
        """),
        "Course book (Menschen A1.1)\nAccess to the online exercises",
        "None.",
        "New arrivals, partners of expats and anyone starting German.",
        BEGINNER,
        8,
        "2",
        240,
        ("German", "Grammar", "Conversation"),
        modes=(IN_PERSON, HYBRID),
        group=(4, 12),
        teach="de",
        tr=(
            (
                "de",
                "Deutsch für Anfänger (A1.1)",
                "Starten Sie mit Deutsch: Begrüßungen, Zahlen, Einkaufen und Ihre ersten Gespräche.",
            ),
            ("ar", "الألمانية للمبتدئين (A1.1)", "ابدأ تعلّم الألمانية بثقة: التحيات والأرقام والتسوق وأولى محادثاتك."),
        ),
    ),
    Template(
        "german",
        "German B1: speaking with confidence",
        "Close the gap between understanding and speaking, with discussions, presentations and lots of feedback.",
        _md("""
            At B1 most learners understand far more than they can say. This course is about speaking: short
            presentations, discussions and role plays on topics from work and everyday life.

            We revise the grammar that trips up B1 learners (Konjunktiv II, relative clauses, prepositions with
            the right case) only as far as you need it to speak better.
        """),
        "Worksheets and audio\nA short recorded presentation with feedback",
        "Level A2 completed.",
        "Learners preparing for work or study in German.",
        INTERMEDIATE,
        8,
        "2",
        260,
        ("German", "Conversation", "Presentations"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(4, 10),
        teach="de",
        tr=(
            (
                "de",
                "Deutsch B1: sicher sprechen",
                "Vom Verstehen zum Sprechen: Diskussionen, Präsentationen und viel Feedback.",
            ),
        ),
    ),
    Template(
        "german",
        "Goethe-Zertifikat B2 exam training",
        "Mock exams and targeted practice for the Goethe-Zertifikat B2, module by module.",
        _md("""
            An exam course for learners who are close to B2 and want the certificate. We practise each module
            under exam conditions and analyse the results together.

            - Lesen and Hören: techniques for the question types
            - Schreiben: the forum post and the formal email, marked in detail
            - Sprechen: presentation and discussion with a partner

            You finish with a complete mock exam and a personal study plan for the last weeks.
        """),
        "Official model papers\nMarked writing tasks\nFinal mock exam",
        "Level B1 completed and some B2 material.",
        "Students, nurses, engineers and others who need B2 for work or university.",
        UPPER,
        6,
        "3",
        340,
        ("German", "Goethe-Zertifikat", "Exam preparation"),
        modes=(IN_PERSON, HYBRID),
        group=(3, 10),
        slot="weekend",
        teach="de",
    ),
    Template(
        "french",
        "French for beginners (A1)",
        "Learn to greet, introduce yourself, order and get around in French, in a warm and lively class.",
        _md("""
            A first course in French built on speaking. You learn the sounds of French properly from the start,
            so people understand you, and you use each new structure in short role plays.

            **You will learn to**

            - greet people and introduce yourself
            - order in a café and a bakery
            - talk about your day, your tastes and your plans
            - understand simple announcements and messages
        """),
        "Course materials and audio\nPronunciation guide",
        "None.",
        "Complete beginners and false beginners who want a fresh start.",
        BEGINNER,
        8,
        "2",
        230,
        ("French", "Conversation", "Pronunciation"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(4, 12),
        teach="fr",
        tr=(
            (
                "fr",
                "Français pour débutants (A1)",
                "Saluer, se présenter, commander et se débrouiller en français, dans un cours chaleureux et vivant.",
            ),
            (
                "es",
                "Francés para principiantes (A1)",
                "Aprende a saludar, presentarte, pedir en un café y moverte en francés.",
            ),
            (
                "ar",
                "الفرنسية للمبتدئين (A1)",
                "تعلّم التحية والتعريف بنفسك والطلب في المقهى والتنقل بالفرنسية في صف حيوي ودافئ.",
            ),
        ),
    ),
    Template(
        "french",
        "French conversation: café and culture (B1)",
        "Talk about books, films, food and the news in French, one café-style evening a week.",
        _md("""
            Each week a short text, podcast or film clip opens a conversation. We talk, disagree, tell stories
            and pick up the expressions French speakers really use.

            - Topics: cinema, gastronomy, politics, the French way of life
            - Spoken French: liaisons, contractions and slang
            - A short weekly listening to prepare at home
        """),
        "Texts and audio for every class",
        "Level A2 completed: you can hold a simple conversation.",
        "Intermediate learners who want to speak more and more naturally.",
        INTERMEDIATE,
        6,
        "2",
        170,
        ("French", "Conversation", "Fluency"),
        modes=(IN_PERSON, ONLINE),
        group=(4, 10),
        teach="fr",
        tr=(
            (
                "fr",
                "Conversation : café et culture (B1)",
                "Parler de livres, de films, de cuisine et d'actualité, un soir par semaine comme au café.",
            ),
        ),
    ),
    Template(
        "french",
        "DELF B2 preparation",
        "A method for each part of the DELF B2 and regular mock exams marked by a certified examiner.",
        _md("""
            The DELF B2 opens the doors of French universities and many jobs. This course gives you a method for
            each of the four papers and trains you until it is automatic.

            1. Compréhension de l'oral and des écrits: finding the answer fast
            2. Production écrite: the argumentative letter or article
            3. Production orale: defending a point of view for twenty minutes

            Every second week a timed mock exam, marked with the official grid.
        """),
        "Annals and model answers\nMarked mock exams",
        "Level B1 completed.",
        "Students applying to French universities and professionals.",
        UPPER,
        8,
        "2.5",
        330,
        ("French", "DELF", "Exam preparation"),
        modes=(IN_PERSON, HYBRID),
        group=(3, 12),
        slot="weekend",
        teach="fr",
        tr=(
            (
                "fr",
                "Préparation au DELF B2",
                "Une méthode pour chaque épreuve du DELF B2 et des examens blancs corrigés par un examinateur.",
            ),
        ),
    ),
    Template(
        "japanese",
        "Japanese for absolute beginners: from hiragana to first conversations",
        "Read and write hiragana and katakana and hold simple conversations about yourself.",
        _md("""
            Japanese looks hard from the outside. This course shows it is not: in eight weeks you read both
            syllabaries and hold your first conversations.

            - Hiragana and katakana, with mnemonics that stick
            - Greetings, self-introduction, numbers and time
            - Polite forms (です/ます) for everyday situations
            - Ordering food and shopping, with role plays

            Classes are small and full of repetition out loud: the fastest way to a good accent.
        """),
        "Kana workbook\nFlashcards and audio",
        "None.",
        "Beginners, travellers planning a trip to Japan, anime and manga fans.",
        BEGINNER,
        8,
        "2",
        240,
        ("Japanese", "Hiragana", "Katakana", "Conversation"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(3, 10),
        teach="ja",
        tr=(
            (
                "es",
                "Japonés para principiantes: del hiragana a las primeras conversaciones",
                "Lee y escribe hiragana y katakana y mantén conversaciones sencillas sobre ti.",
            ),
            (
                "fr",
                "Japonais pour grands débutants : des hiragana aux premières conversations",
                "Lire et écrire les hiragana et katakana et tenir des conversations simples.",
            ),
        ),
    ),
    Template(
        "japanese",
        "Japanese N4: grammar and conversation",
        "Consolidate the grammar of JLPT N4 and use it in conversations about daily life, plans and opinions.",
        _md("""
            For learners who know the basics and a hundred kanji. We cover the core N4 grammar (te-form uses,
            potential, conditional, giving and receiving) and practise it in pair work every week.

            - 150 new kanji with reading practice
            - Listening with natural-speed recordings
            - Casual versus polite speech and when to use each
        """),
        "Grammar notes and kanji sheets\nListening files",
        "JLPT N5 level or about 150 hours of study.",
        "Learners who want to go beyond survival Japanese.",
        ELEMENTARY,
        8,
        "2",
        260,
        ("Japanese", "Kanji", "Grammar", "JLPT"),
        modes=(IN_PERSON, ONLINE),
        group=(3, 10),
        teach="ja",
    ),
    Template(
        "japanese",
        "JLPT N3 preparation",
        "Vocabulary, kanji, grammar, reading and listening for the N3 exam, with two full mock tests.",
        _md("""
            N3 is the bridge between textbook Japanese and the real thing. This course prepares you for each
            section of the exam and for the speed of reading it demands.

            - 300 kanji and their compounds, with spaced-repetition decks
            - Grammar points grouped by meaning, with exam-style questions
            - Reading long passages against the clock
            - Two complete mock exams with analysis
        """),
        "Mock exams\nAnki decks for kanji and vocabulary",
        "JLPT N4 passed or equivalent.",
        "Learners working towards study or work in Japan.",
        INTERMEDIATE,
        8,
        "2.5",
        320,
        ("Japanese", "JLPT", "Kanji", "Exam preparation"),
        modes=(IN_PERSON, ONLINE),
        group=(3, 12),
        slot="weekend",
        teach="ja",
    ),
    Template(
        "arabic",
        "Egyptian Arabic for beginners",
        "Speak the Arabic of Cairo's streets: greetings, bargaining, directions and small talk.",
        _md("""
            Egyptian Arabic is understood from Morocco to the Gulf thanks to its films and songs. This course
            teaches you to speak it from day one, written in both Arabic script and Latin transliteration.

            - Greetings and the many ways to say thank you
            - Numbers, prices and bargaining at the market
            - Taxis, directions and getting around
            - Invitations, food and family talk
        """),
        "Phrasebook with transliteration\nAudio recorded by Cairenes",
        "None; you do not need to read Arabic script.",
        "Expats, travellers and heritage learners.",
        BEGINNER,
        8,
        "2",
        160,
        ("Arabic", "Egyptian Arabic", "Conversation"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(3, 10),
        teach="ar",
        tr=(
            (
                "ar",
                "العامية المصرية للمبتدئين",
                "تكلّم عربية شوارع القاهرة: التحيات والفصال والسؤال عن الطريق والأحاديث القصيرة.",
            ),
            (
                "fr",
                "Arabe égyptien pour débutants",
                "Parler l'arabe des rues du Caire : salutations, marchandage, directions et petites conversations.",
            ),
        ),
    ),
    Template(
        "arabic",
        "Modern Standard Arabic: reading and writing",
        "Learn the Arabic alphabet, read your first texts and write simple sentences in Modern Standard Arabic.",
        _md("""
            Modern Standard Arabic (fusha) is the language of books, newspapers and the news. We start with the
            alphabet and its letter shapes, then move quickly to reading real words and short texts.

            - The 28 letters, their forms and the short vowels
            - Roots and patterns: how Arabic builds its words
            - Nominal and verbal sentences
            - Reading short news headlines by the end of the course
        """),
        "Writing workbook\nReading texts with vocabulary lists",
        "None.",
        "Students of the Middle East, translators-to-be and curious minds.",
        BEGINNER,
        8,
        "2",
        180,
        ("Arabic", "Modern Standard Arabic", "Reading", "Writing"),
        modes=(IN_PERSON, ONLINE),
        group=(3, 10),
        teach="ar",
        tr=(
            (
                "ar",
                "العربية الفصحى: القراءة والكتابة",
                "تعلّم الحروف العربية واقرأ نصوصك الأولى واكتب جملاً بسيطة بالعربية الفصحى.",
            ),
        ),
    ),
    Template(
        "arabic",
        "Arabic conversation for intermediate learners (B1)",
        "Move between fusha and Egyptian colloquial in discussions about the news, culture and daily life.",
        _md("""
            For learners who can read and hold basic conversations. Each week we read or watch something short
            (a news report, a film scene, a song) and discuss it, switching between registers as Egyptians do.

            - Expressing opinions, agreeing and disagreeing
            - Vocabulary of the media and current affairs
            - Idioms and proverbs in everyday use
        """),
        "Texts, clips and vocabulary lists",
        "About 200 hours of Arabic, in either register.",
        "Intermediate learners who want to speak more naturally.",
        INTERMEDIATE,
        6,
        "2",
        170,
        ("Arabic", "Conversation", "Egyptian Arabic"),
        modes=(IN_PERSON, ONLINE),
        group=(3, 8),
        teach="ar",
    ),
]

LIBRARY += [
    # --- Arts & crafts ------------------------------------------------------------------------------
    Template(
        "pottery",
        "Wheel throwing for beginners",
        "Centre clay, throw cylinders and bowls, trim them and glaze your favourite pieces.",
        _md("""
            The potter's wheel looks like magic until someone shows you the few movements that matter. In this
            course you get your own wheel each week and a teacher who corrects your hands, not just your pots.

            - Wedging and centring (the hardest part, we promise it clicks)
            - Opening and pulling walls for cylinders and bowls
            - Trimming a foot ring when the pot is leather-hard
            - Glazing: dipping, pouring and combining glazes

            Your best pieces are fired twice and ready to collect two weeks after the last class.
        """),
        "Clay (up to 10 kg)\nGlazes and two firings\nAprons and tools",
        "None. Short nails make life easier.",
        "Complete beginners looking for a calm, hands-on hobby.",
        BEGINNER,
        6,
        "2.5",
        260,
        ("Pottery", "Wheel throwing", "Glazing"),
        group=(4, 8),
        tr=(
            (
                "es",
                "Torno de alfarero para principiantes",
                "Centra el barro, levanta cilindros y cuencos, retórnealos y esmalta tus piezas favoritas.",
            ),
            (
                "de",
                "Töpfern an der Scheibe für Anfänger",
                "Ton zentrieren, Zylinder und Schalen drehen, abdrehen und die schönsten Stücke glasieren.",
            ),
        ),
    ),
    Template(
        "pottery",
        "Hand-building: pinch, coil and slab",
        "Make mugs, plates and planters without a wheel, using the oldest techniques in ceramics.",
        _md("""
            Hand-building is where every potter starts and many stay. Without the wheel you have time to think
            about form and texture, and your pieces look like nobody else's.

            1. Pinch pots and the feel of the clay
            2. Coil building for vases and planters
            3. Slabs: plates, boxes and a mug with a pulled handle
            4. Surface: slips, stamps and sgraffito

            Pieces are glazed in the last class and fired by the studio.
        """),
        "All clay, slips and glazes\nFirings",
        "None.",
        "Beginners and anyone who wants to make functional ceramics at home.",
        BEGINNER,
        4,
        "3",
        190,
        ("Ceramics", "Hand-building", "Pottery"),
        slot="weekend",
        group=(4, 10),
        tr=(
            (
                "fr",
                "Modelage : pincé, colombin et plaque",
                "Des tasses, assiettes et cache-pots sans tour, avec les plus anciennes techniques de la céramique.",
            ),
        ),
    ),
    Template(
        "pottery",
        "Date night at the wheel",
        "A relaxed evening for two at the potter's wheel: each of you makes a bowl to keep.",
        _md("""
            Bring a partner, a friend or your mother. After a short demonstration you each sit at a wheel and
            make a bowl or a cup with the teacher's help; we glaze and fire them for you.

            Drinks and snacks included. No experience needed, just clothes that can take some clay.
        """),
        "Clay, glaze and firing of one piece each\nA glass of wine or a soft drink",
        "None.",
        "Couples and friends looking for something different to do together.",
        ALL,
        1,
        "2.5",
        65,
        ("Pottery", "Wheel throwing"),
        slot="any",
        group=(2, 10),
        tr=(
            (
                "es",
                "Noche de torno en pareja",
                "Una tarde relajada para dos en el torno: cada uno se lleva el cuenco que ha hecho.",
            ),
        ),
    ),
    Template(
        "pottery",
        "Glazing and surface decoration",
        "Go beyond the studio glazes: layering, wax resist, underglaze painting and testing your own recipes.",
        _md("""
            For potters who can make a decent pot and want it to look finished. We test, layer and combine glazes
            on tiles and your own bisqueware, and learn to read a glaze recipe.

            - Dipping, pouring, brushing and spraying
            - Wax resist, underglaze transfers and sgraffito
            - Reading and adjusting a glaze recipe
            - Keeping a test-tile journal
        """),
        "Test tiles and bisqueware\nGlaze materials and firings",
        "You can throw or hand-build a simple pot.",
        "Intermediate potters and studio members.",
        INTERMEDIATE,
        4,
        "3",
        210,
        ("Ceramics", "Glazing", "Surface decoration"),
        slot="weekend",
        group=(4, 8),
    ),
    Template(
        "painting",
        "Watercolour landscapes",
        "Washes, wet-in-wet skies and light on water: paint luminous landscapes in watercolour.",
        _md("""
            Watercolour rewards a few good habits: the right amount of water, clean colours and knowing when to
            stop. Each class starts with a demonstration and ends with a finished small painting.

            - Flat and graded washes
            - Skies and clouds wet-in-wet
            - Trees, water and reflections
            - Composition from your own photos
        """),
        "Paper and use of studio paints and brushes\nA materials list for home practice",
        "None.",
        "Beginners and returning painters.",
        BEGINNER,
        6,
        "2.5",
        180,
        ("Watercolour", "Painting", "Landscape"),
        modes=(IN_PERSON, HYBRID),
        group=(4, 12),
        tr=(
            (
                "fr",
                "Paysages à l'aquarelle",
                "Lavis, ciels mouillé sur mouillé et reflets : des paysages lumineux à l'aquarelle.",
            ),
            (
                "ar",
                "رسم المناظر الطبيعية بالألوان المائية",
                "تعلّم الطبقات الشفافة والسماء والانعكاسات على الماء لترسم مناظر طبيعية مشرقة بالألوان المائية.",
            ),
        ),
    ),
    Template(
        "painting",
        "Drawing fundamentals: line, form and light",
        "Learn to see and draw what is in front of you: proportions, perspective and shading.",
        _md("""
            Drawing is a skill, not a talent. This course teaches the way of looking that makes drawings work,
            with exercises that show progress from the first week.

            1. Contour and blind drawing
            2. Measuring proportions with a pencil
            3. One- and two-point perspective
            4. Light, shadow and tonal values
            5. A final drawing from life

            Pencils and charcoal only: everything else is about your eyes.
        """),
        "Drawing paper, pencils and charcoal",
        "None.",
        "Beginners, designers and anyone who wishes they could draw.",
        BEGINNER,
        8,
        "2",
        200,
        ("Drawing", "Perspective", "Shading"),
        group=(4, 14),
        tr=(
            (
                "es",
                "Fundamentos del dibujo: línea, forma y luz",
                "Aprende a ver y dibujar lo que tienes delante: proporciones, perspectiva y sombreado.",
            ),
        ),
    ),
    Template(
        "painting",
        "Oil painting: still life",
        "Mix colour, build layers and paint a still life from observation, the way the old masters learned.",
        _md("""
            A classic route into oil painting. We set up still lifes under a single light and work in stages,
            from a tonal underpainting to the final glazes.

            - Materials, mediums and painting safely without solvents
            - Limited palettes and colour mixing
            - Fat over lean: building layers that last
            - Edges, highlights and finishing
        """),
        "Canvas boards\nStudio oils, brushes and solvent-free medium",
        "Some drawing experience helps.",
        "Beginners and improvers who want a solid foundation in oils.",
        INTERMEDIATE,
        6,
        "3",
        240,
        ("Oil painting", "Colour mixing", "Still life"),
        slot="weekend",
        group=(4, 10),
        tr=(
            (
                "fr",
                "Peinture à l'huile : nature morte",
                "Mélanger les couleurs, monter les couches et peindre une nature morte d'après nature.",
            ),
        ),
    ),
    Template(
        "painting",
        "Life drawing evenings",
        "Draw the human figure from a live model in short and long poses, with gentle guidance.",
        _md("""
            Our life drawing evenings are open to every level. Each evening moves from quick gesture poses to a
            long pose of forty minutes, with a tutor walking round to help.

            Bring your own materials or use ours. Drawing boards and easels are provided.
        """),
        "Professional model\nPaper and charcoal",
        "None.",
        "Artists of every level; you must be 18 or over.",
        ALL,
        4,
        "2",
        90,
        ("Figure drawing", "Drawing"),
        group=(6, 16),
    ),
    Template(
        "photography",
        "Get off auto: camera basics",
        "Understand aperture, shutter speed and ISO and take control of your camera in four evenings.",
        _md("""
            You bought a good camera and it still takes the same photos as your phone? This course explains the
            exposure triangle in plain words and sends you out to practise between classes.

            - Aperture and depth of field
            - Shutter speed and motion
            - ISO, noise and low light
            - Metering, focus modes and white balance

            Each week you share three photos and get friendly feedback from the group.
        """),
        "Cheat-sheet for your camera\nPhoto review every week",
        "A camera with manual modes (any brand, mirrorless or DSLR).",
        "New camera owners and phone photographers ready for more.",
        BEGINNER,
        4,
        "2",
        150,
        ("Photography", "Exposure", "Camera settings"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(4, 12),
        tr=(
            (
                "es",
                "Sal del modo automático: fotografía básica",
                "Entiende apertura, velocidad e ISO y controla tu cámara en cuatro tardes.",
            ),
            (
                "de",
                "Raus aus dem Automatikmodus: Kamera-Grundlagen",
                "Blende, Belichtungszeit und ISO verstehen und die Kamera in vier Abenden beherrschen.",
            ),
        ),
    ),
    Template(
        "photography",
        "Street photography walks",
        "Four photo walks through the city's busiest neighbourhoods, learning to see and shoot candid moments.",
        _md("""
            Street photography is about patience, light and a little courage. Each session is a walk through a
            different neighbourhood with exercises on light, layers and timing, followed by a review over coffee.

            - Working with available light and shadows
            - Zone focusing and shooting without looking
            - Ethics and how to photograph strangers respectfully
            - Editing a small series
        """),
        "Four guided walks\nReview of your best series",
        "You can use your camera's semi-automatic modes.",
        "Photographers who want to get out and shoot more.",
        INTERMEDIATE,
        4,
        "3",
        170,
        ("Street photography", "Composition", "Photography"),
        slot="weekend",
        group=(3, 8),
    ),
    Template(
        "photography",
        "Portrait lighting in the studio",
        "Shape light with flashes and modifiers for flattering portraits, from one light to three.",
        _md("""
            Hands-on studio sessions with strobes, softboxes and reflectors. We work with models and with each
            other, adding one light at a time.

            1. One light: Rembrandt, loop and split lighting
            2. Reflectors and fill
            3. Two and three lights: hair and background
            4. Directing people so they relax in front of the lens
        """),
        "Studio, lights and models\nEdited sample images",
        "Confident with manual exposure.",
        "Photographers moving into portrait work.",
        ADVANCED,
        3,
        "3",
        220,
        ("Portrait photography", "Studio lighting", "Photography"),
        slot="weekend",
        group=(3, 8),
    ),
    Template(
        "photography",
        "Smartphone photography",
        "Better photos with the phone in your pocket: composition, light and simple editing.",
        _md("""
            Most of the photos we take are on our phones. This short course shows how to make them better without
            any extra gear.

            - Composition rules worth knowing, and when to break them
            - Using light: golden hour, backlight and night mode
            - Portrait mode done right
            - Editing in free apps in under two minutes
        """),
        "Editing presets\nPhoto review",
        "A smartphone.",
        "Everyone who takes photos with their phone.",
        BEGINNER,
        2,
        "2",
        60,
        ("Smartphone photography", "Composition", "Photo editing"),
        modes=(ONLINE, HYBRID, IN_PERSON),
        slot="any",
        group=(4, 16),
        tr=(("ar", "التصوير بالهاتف الذكي", "صور أجمل بهاتفك: التكوين والإضاءة والتعديل البسيط."),),
    ),
    Template(
        "arts-crafts",
        "Arabic calligraphy: the naskh script",
        "Cut your own reed pen and learn the proportions and letter forms of naskh, the script of books.",
        _md("""
            Naskh is the clearest and most widely used of the classical scripts, and the usual first step for
            calligraphers. We work with the traditional qalam and ink, measuring each letter in rhombic dots.

            - Preparing the qalam and the ink
            - The proportions of alif and the dot system
            - Single letters, then connected forms
            - Writing a short phrase for framing
        """),
        "Qalam, ink and practice paper\nA model sheet for each lesson",
        "None; knowing the Arabic alphabet helps.",
        "Anyone attracted by Arabic script, Arabic speakers or not.",
        BEGINNER,
        6,
        "2",
        140,
        ("Calligraphy", "Arabic script"),
        group=(3, 10),
        tr=(
            ("ar", "الخط العربي: خط النسخ", "اصنع قلمك من القصب وتعلّم نِسب حروف خط النسخ وأشكالها، خط الكتب والمصاحف."),
            (
                "fr",
                "Calligraphie arabe : l'écriture naskh",
                "Tailler son calame et apprendre les proportions et les formes des lettres du naskh.",
            ),
        ),
    ),
    # --- Cooking ------------------------------------------------------------------------------------
    Template(
        "baking",
        "Sourdough bread from scratch",
        "Keep a starter alive, shape and score loaves, and bake a crusty sourdough in your home oven.",
        _md("""
            Everything you need to bake great sourdough at home. You take home a jar of our starter and a
            timetable that fits a working week.

            - Feeding and maintaining a starter
            - Mixing, autolyse and folds
            - Shaping boules and batards, scoring
            - Baking in a home oven with a Dutch oven

            We bake together in class and you leave with bread and dough to bake the next morning.
        """),
        "Starter to take home\nAll ingredients\nA proofing basket",
        "None.",
        "Home bakers who want better bread than the supermarket.",
        BEGINNER,
        2,
        "3.5",
        140,
        ("Sourdough", "Bread baking", "Fermentation"),
        slot="weekend",
        group=(4, 10),
        tr=(
            (
                "de",
                "Sauerteigbrot selbst backen",
                "Sauerteig pflegen, Laibe formen und einschneiden und ein knuspriges Brot im eigenen Ofen backen.",
            ),
            (
                "fr",
                "Le pain au levain de A à Z",
                "Entretenir un levain, façonner et grigner, et cuire un pain croustillant dans votre four.",
            ),
        ),
    ),
    Template(
        "baking",
        "French pastry essentials: choux, tarts and creams",
        "Master the foundations of French pastry: pâte à choux, sweet shortcrust and crème pâtissière.",
        _md("""
            The basics every pastry chef learns first, taught by one. Each class produces something to take home
            and a technique you will use again and again.

            1. Pâte à choux: éclairs and profiteroles
            2. Pâte sucrée: a lemon tart with a crisp base
            3. Crème pâtissière and its variations
            4. Assembly and finishing: glazes, piping, caramel

            Recipes are scaled for a home kitchen.
        """),
        "All ingredients\nApron and pastry box for your creations\nRecipe booklet",
        "None.",
        "Keen home bakers.",
        BEGINNER,
        4,
        "3",
        320,
        ("Pastry", "Choux", "Baking"),
        slot="any",
        group=(4, 8),
        tr=(
            (
                "fr",
                "Les bases de la pâtisserie française : choux, tartes et crèmes",
                "Maîtriser la pâte à choux, la pâte sucrée et la crème pâtissière avec un chef pâtissier.",
            ),
            (
                "es",
                "Repostería francesa esencial: choux, tartas y cremas",
                "Domina las bases de la pastelería francesa: pasta choux, masa sablé y crema pastelera.",
            ),
        ),
    ),
    Template(
        "baking",
        "Macarons masterclass",
        "Smooth tops, proper feet, no hollows: crack the macaron in one intensive afternoon.",
        _md("""
            Macarons have a reputation. In this class you learn the Italian meringue method professionals use and
            why each step matters, then fill and assemble three flavours.

            - Italian meringue and macaronage
            - Piping evenly and resting the shells
            - Ganache and buttercream fillings
            - Troubleshooting cracks, hollows and missing feet
        """),
        "All ingredients\nBox of 24 macarons to take home",
        "Comfortable in the kitchen; no pastry experience needed.",
        "Home bakers who have tried and failed (or not dared).",
        INTERMEDIATE,
        1,
        "4",
        120,
        ("Macarons", "Pastry", "Meringue"),
        slot="weekend",
        group=(4, 8),
        tr=(
            (
                "fr",
                "Masterclass macarons",
                "Coques lisses, jolie collerette, sans creux : les macarons en un après-midi intensif.",
            ),
        ),
    ),
    Template(
        "baking",
        "Viennoiserie: croissants and pains au chocolat",
        "Laminate dough by hand and bake flaky croissants and pains au chocolat like a Parisian bakery.",
        _md("""
            Two sessions, because good croissants take time. In the first we make the dough and laminate it;
            in the second we shape, proof and bake.

            - Détrempe and butter block
            - Three single folds, by hand
            - Shaping croissants and pains au chocolat
            - Proofing and baking for a honeycomb crumb
        """),
        "All ingredients\nA dozen pastries to take home",
        "Some baking experience helps.",
        "Bakers ready for a challenge.",
        INTERMEDIATE,
        2,
        "3.5",
        190,
        ("Viennoiserie", "Laminated dough", "Baking"),
        slot="weekend",
        group=(4, 8),
        countries=("FR", "DE", "ES", "US", "CA", "JP"),
    ),
    Template(
        "world-cuisine",
        "Fresh pasta by hand",
        "Make tagliatelle, ravioli and orecchiette with just flour, eggs and a rolling pin.",
        _md("""
            No machine needed. We make egg pasta and semolina pasta from scratch, shape four kinds and cook them
            with simple seasonal sauces, then sit down to eat together.

            - Egg dough and rolling a sfoglia by hand
            - Tagliatelle and pappardelle
            - Filled pasta: ravioli and tortellini
            - Semolina shapes: orecchiette and cavatelli
        """),
        "All ingredients and dinner\nA glass of wine\nRecipe cards",
        "None.",
        "Anyone who loves Italian food.",
        BEGINNER,
        1,
        "3",
        85,
        ("Pasta", "Italian cuisine", "Cooking"),
        slot="any",
        group=(4, 12),
        tr=(
            (
                "es",
                "Pasta fresca a mano",
                "Haz tagliatelle, raviolis y orecchiette solo con harina, huevos y un rodillo.",
            ),
            ("de", "Frische Pasta von Hand", "Tagliatelle, Ravioli und Orecchiette nur mit Mehl, Eiern und Nudelholz."),
        ),
    ),
    Template(
        "world-cuisine",
        "Levantine mezze: a vegetarian feast",
        "Hummus, baba ghanoush, falafel, tabbouleh and flatbread: cook a whole mezze table.",
        _md("""
            Mezze is a way of eating: many small dishes, shared. We cook a full vegetarian spread from Lebanon,
            Syria and Palestine and finish with mint tea.

            - Silky hummus from dried chickpeas
            - Baba ghanoush and muhammara
            - Crisp falafel and tahini sauce
            - Tabbouleh the Lebanese way: parsley, not bulgur
            - Flatbread on a hot pan
        """),
        "All ingredients and the meal\nSpice mix to take home",
        "None.",
        "Vegetarians and everyone else.",
        BEGINNER,
        1,
        "3.5",
        80,
        ("Middle Eastern cuisine", "Vegetarian cooking"),
        slot="any",
        group=(4, 14),
        tr=(("ar", "مازة شامية: مائدة نباتية", "حمص وبابا غنوج وفلافل وتبولة وخبز: اطبخ مائدة مازة كاملة."),),
    ),
    Template(
        "world-cuisine",
        "Vietnamese street food",
        "Summer rolls, bánh xèo and a proper phở broth: the fresh, bright flavours of Vietnamese cooking.",
        _md("""
            We cook the dishes you find on plastic stools in Hanoi and Saigon. Lots of herbs, balance between
            sweet, sour, salty and hot, and tricks to make a good broth at home.

            - Gỏi cuốn summer rolls and peanut dip
            - Bánh xèo crispy pancakes
            - Phở bò: a broth worth the wait
            - Nước chấm, the sauce on every table
        """),
        "All ingredients and the meal",
        "None.",
        "Curious cooks who love fresh food.",
        BEGINNER,
        1,
        "3.5",
        85,
        ("Vietnamese cuisine", "Asian cooking"),
        slot="any",
        group=(4, 12),
    ),
    Template(
        "world-cuisine",
        "Paella and Spanish rice dishes",
        "Cook Valencian paella, arroz negro and arroz con bogavante over a real paella fire.",
        _md("""
            Paella is a method more than a recipe. We learn the stages (sofrito, broth, rice, socarrat) and cook
            three classic rice dishes, one pan per pair.

            - Paella valenciana with chicken, rabbit and beans
            - Arroz negro with squid ink and alioli
            - Why you never stir the rice

            We eat what we cook with a glass of wine from Valencia.
        """),
        "All ingredients and the meal\nWine and water",
        "None.",
        "Travellers, Spain lovers and rice enthusiasts.",
        BEGINNER,
        1,
        "3.5",
        75,
        ("Spanish cuisine", "Paella", "Cooking"),
        slot="any",
        group=(6, 14),
        countries=("ES",),
        tr=(
            (
                "es",
                "Paella y arroces españoles",
                "Cocina paella valenciana, arroz negro y arroz con bogavante al fuego de verdad.",
            ),
            (
                "fr",
                "Paella et riz espagnols",
                "Cuisiner la paella valencienne et le riz noir sur un vrai feu de paella.",
            ),
        ),
    ),
    Template(
        "world-cuisine",
        "Tapas night: from croquetas to tortilla",
        "Six classic tapas in one evening, including the perfect tortilla de patatas and creamy croquetas.",
        _md("""
            An evening in the kitchen and at the bar. We cook six tapas that every Spanish family makes and learn
            the details that make them special.

            - Tortilla de patatas, runny or set (we settle the debate)
            - Croquetas de jamón with a silky béchamel
            - Patatas bravas with two sauces
            - Gambas al ajillo, pimientos de Padrón and pan con tomate
        """),
        "All ingredients and dinner\nVermouth or wine",
        "None.",
        "Groups of friends, couples and visitors to the city.",
        BEGINNER,
        1,
        "3",
        70,
        ("Spanish cuisine", "Tapas"),
        slot="evening",
        group=(6, 14),
        countries=("ES",),
        tr=(
            (
                "es",
                "Noche de tapas: de las croquetas a la tortilla",
                "Seis tapas clásicas en una noche, con la tortilla de patatas perfecta y croquetas cremosas.",
            ),
        ),
    ),
    Template(
        "world-cuisine",
        "Tacos, salsas and tortillas from scratch",
        "Nixtamal, handmade tortillas, three salsas and tacos al pastor: the heart of Mexican cooking.",
        _md("""
            We start at the market choosing chiles and finish at the comal. You press and cook your own corn
            tortillas and learn the salsas that go with everything.

            - Masa and tortillas on the comal
            - Salsa verde, salsa roja and pico de gallo
            - Tacos al pastor with a home-made adobo
            - Agua fresca to drink
        """),
        "Market visit\nAll ingredients and the meal",
        "None.",
        "Visitors and locals who want to cook Mexican food properly.",
        BEGINNER,
        1,
        "4",
        60,
        ("Mexican cuisine", "Tortillas", "Salsas"),
        slot="weekend",
        group=(4, 12),
        countries=("MX",),
        tr=(
            (
                "es",
                "Tacos, salsas y tortillas desde cero",
                "Tortillas hechas a mano, tres salsas y tacos al pastor: el corazón de la cocina mexicana.",
            ),
        ),
    ),
    Template(
        "world-cuisine",
        "Mole and the great sauces of Oaxaca and Puebla",
        "Toast, grind and simmer: cook mole poblano and mole negro with more than twenty ingredients.",
        _md("""
            Mole is Mexico's celebration food and takes patience. Over two sessions we toast chiles, spices and
            seeds, grind them and simmer the sauces slowly, the way Oaxacan grandmothers do.

            - The families of dried chiles and how to use them
            - Mole poblano
            - Mole negro from Oaxaca
            - Serving with chicken, rice and tortillas
        """),
        "All ingredients\nA jar of mole to take home",
        "Basic cooking experience.",
        "Cooks who want a real project.",
        INTERMEDIATE,
        2,
        "4",
        110,
        ("Mexican cuisine", "Mole", "Sauces"),
        slot="weekend",
        group=(4, 10),
        countries=("MX",),
        tr=(
            (
                "es",
                "El mole y las grandes salsas de Oaxaca y Puebla",
                "Tuesta, muele y cocina a fuego lento: mole poblano y mole negro con más de veinte ingredientes.",
            ),
        ),
    ),
    Template(
        "world-cuisine",
        "Japanese home cooking: washoku basics",
        "Dashi, miso soup, rice done right and the simple side dishes of the Japanese family table.",
        _md("""
            Washoku is built on a few basics done carefully. We make dashi from kombu and katsuobushi, cook rice
            in a pot and prepare a complete ichijū sansai meal: one soup, three dishes.

            - Dashi and miso soup
            - Perfect rice without a rice cooker
            - Tamagoyaki, the rolled omelette
            - Seasonal vegetables: aemono and nimono
        """),
        "All ingredients and the meal\nRecipe booklet in Japanese and English",
        "None.",
        "Visitors to Japan and anyone who loves Japanese food.",
        BEGINNER,
        1,
        "3",
        70,
        ("Japanese cuisine", "Washoku", "Cooking"),
        slot="any",
        group=(4, 10),
        countries=("JP",),
        tr=(
            (
                "fr",
                "Cuisine familiale japonaise : les bases du washoku",
                "Dashi, soupe miso, riz parfait et petits plats de la table familiale japonaise.",
            ),
        ),
    ),
    Template(
        "world-cuisine",
        "Sushi at home",
        "Season sushi rice, slice fish safely and roll maki, uramaki and nigiri.",
        _md("""
            Sushi chefs train for years; home cooks need one good afternoon. We focus on rice (the real secret),
            knife work and shaping.

            - Sushi rice: washing, cooking, seasoning
            - Choosing and slicing fish safely
            - Hosomaki, uramaki and nigiri
            - Presentation and what to serve with it
        """),
        "All ingredients\nA bamboo mat to take home",
        "None.",
        "Beginners and sushi lovers.",
        BEGINNER,
        1,
        "3",
        90,
        ("Sushi", "Japanese cuisine"),
        slot="weekend",
        group=(4, 10),
        countries=("JP", "US", "CA", "AU", "DE", "FR"),
    ),
    Template(
        "world-cuisine",
        "Ramen from scratch",
        "Broth, tare, aroma oil and fresh noodles: build a bowl of shoyu ramen layer by layer.",
        _md("""
            A ramen bowl is five things in balance. We make each of them: a chicken and pork broth, shoyu tare,
            aroma oil, fresh alkaline noodles and chashu, then assemble and eat.

            Because good broth takes hours, part of it is prepared before the class; you learn the full method
            and take home the recipe to do it yourself.
        """),
        "All ingredients and the meal\nFresh noodles to take home",
        "Basic cooking experience.",
        "Ramen fans who want to understand their favourite bowl.",
        INTERMEDIATE,
        1,
        "4",
        95,
        ("Ramen", "Japanese cuisine", "Noodles"),
        slot="weekend",
        group=(4, 10),
        countries=("JP",),
    ),
    Template(
        "world-cuisine",
        "German home cooking classics",
        "Spätzle, Rouladen, Kartoffelsalat and apple strudel: the dishes of a German Sunday lunch.",
        _md("""
            Comfort food from Swabia, Berlin and Bavaria, cooked the way grandmothers do and explained for home
            cooks from anywhere.

            - Hand-scraped Spätzle with cheese and onions
            - Beef Rouladen with red cabbage
            - Swabian potato salad (no mayonnaise!)
            - Apple strudel with hand-stretched dough
        """),
        "All ingredients and the meal\nA beer or apple spritzer",
        "None.",
        "Newcomers to Germany and anyone curious about German food.",
        BEGINNER,
        1,
        "3.5",
        85,
        ("German cuisine", "Cooking"),
        slot="any",
        group=(4, 14),
        countries=("DE",),
        tr=(
            (
                "de",
                "Klassiker der deutschen Hausmannskost",
                "Spätzle, Rouladen, Kartoffelsalat und Apfelstrudel: das deutsche Sonntagsessen.",
            ),
        ),
    ),
    Template(
        "wine",
        "Wine tasting for beginners",
        "Learn to taste, describe and choose wine with eight wines from four countries.",
        _md("""
            No snobbery, just a method. We taste eight wines side by side and learn what makes them different:
            grape, place, climate and winemaking.

            - Looking, smelling, tasting: the basic method
            - The main grape varieties and their styles
            - Reading a label
            - Food and wine pairing rules that work
        """),
        "Eight wines\nCheese and bread\nTasting notes",
        "You must be of legal drinking age.",
        "Wine drinkers who want to know what they like and why.",
        BEGINNER,
        1,
        "2",
        55,
        ("Wine tasting", "Wine"),
        slot="evening",
        group=(6, 16),
        tr=(
            (
                "es",
                "Cata de vinos para principiantes",
                "Aprende a catar, describir y elegir vino con ocho vinos de cuatro países.",
            ),
            (
                "fr",
                "Initiation à la dégustation de vin",
                "Apprendre à déguster, décrire et choisir un vin avec huit vins de quatre pays.",
            ),
        ),
    ),
    Template(
        "wine",
        "Home barista: espresso and milk",
        "Dial in espresso, steam silky milk and pour your first latte art on professional machines.",
        _md("""
            A hands-on course for home espresso machine owners. We work on professional machines and show you
            how to transfer everything to yours.

            - Grind, dose and yield: dialling in
            - Tasting under- and over-extracted shots
            - Steaming milk for cappuccino and flat white
            - Latte art: heart and rosetta
        """),
        "All coffee and milk\nA bag of freshly roasted beans",
        "None.",
        "Coffee lovers and new home espresso owners.",
        BEGINNER,
        1,
        "3",
        75,
        ("Coffee", "Espresso", "Latte art"),
        slot="weekend",
        group=(2, 6),
        tr=(
            (
                "de",
                "Barista für zu Hause: Espresso und Milch",
                "Espresso einstellen, Milch seidig aufschäumen und die ersten Latte-Art-Motive gießen.",
            ),
        ),
    ),
    Template(
        "wine",
        "Natural wines of Europe",
        "Orange, pét-nat and low-intervention wines: taste and talk about the new wave of European wine.",
        _md("""
            A tasting evening for the curious. We compare natural wines with conventional ones from the same
            regions and talk to the people who make them (on video).

            Ten wines, small plates, and honest discussion of what "natural" means and does not mean.
        """),
        "Ten wines\nSmall plates",
        "Some wine tasting experience.",
        "Wine lovers who want to explore beyond the classics.",
        INTERMEDIATE,
        1,
        "2.5",
        70,
        ("Wine", "Natural wine", "Wine tasting"),
        slot="evening",
        group=(6, 14),
        countries=("ES", "FR", "DE", "US", "GB", "AU", "CA"),
    ),
]

LIBRARY += [
    # --- Music --------------------------------------------------------------------------------------
    Template(
        "guitar",
        "Guitar for absolute beginners",
        "Your first chords, strumming patterns and songs, in a small group with guitars provided.",
        _md("""
            In six weeks you go from never having held a guitar to playing songs you know. We use simple chord
            shapes and rhythms, and every class ends with the group playing together.

            - Holding the guitar and tuning it
            - The first eight open chords
            - Strumming patterns and changing chords in time
            - Five songs from pop, folk and rock
        """),
        "Guitar to use in class\nSong sheets and play-along videos",
        "None.",
        "Complete beginners of any age over 16.",
        BEGINNER,
        6,
        "1.5",
        150,
        ("Guitar", "Chords", "Rhythm"),
        modes=(IN_PERSON, HYBRID),
        group=(3, 8),
        tr=(
            (
                "es",
                "Guitarra para principiantes absolutos",
                "Tus primeros acordes, ritmos y canciones en un grupo pequeño, con guitarras para la clase.",
            ),
            (
                "de",
                "Gitarre für absolute Anfänger",
                "Die ersten Akkorde, Rhythmen und Songs in einer kleinen Gruppe, Gitarren werden gestellt.",
            ),
        ),
    ),
    Template(
        "guitar",
        "Fingerstyle guitar",
        "Travis picking, arpeggios and melody with bass: make one guitar sound like two.",
        _md("""
            For guitarists who know their chords and want to leave the pick behind. We work on independence
            between thumb and fingers with pieces that sound great from the first week.

            - Arpeggio patterns and the alternating thumb
            - Travis picking in folk and blues
            - Arranging a melody over a bass line
            - Two complete pieces to perform
        """),
        "Tablature and backing tracks\nVideo of each lesson",
        "You can play the open chords and change between them.",
        "Improvers who want a fuller sound.",
        INTERMEDIATE,
        6,
        "1.5",
        170,
        ("Guitar", "Fingerstyle", "Fingerpicking"),
        modes=(IN_PERSON, ONLINE),
        group=(2, 6),
    ),
    Template(
        "guitar",
        "Flamenco guitar: rhythms and falsetas",
        "Rasgueados, compás and your first falsetas in soleá, bulerías and tangos.",
        _md("""
            Flamenco guitar is rhythm first. We learn the compás of the main palos by clapping and playing, then
            add the right-hand techniques and short melodic phrases (falsetas).

            - Rasgueado, alzapúa and picado
            - Compás of tangos, soleá and bulerías
            - Two falsetas per palo
            - Accompanying a dancer, with a dancer in the last class
        """),
        "Flamenco guitar to borrow\nTablature and recordings",
        "Some guitar experience, any style.",
        "Guitarists who love flamenco.",
        INTERMEDIATE,
        6,
        "1.5",
        190,
        ("Flamenco guitar", "Guitar", "Rhythm"),
        group=(2, 6),
        countries=("ES",),
        tr=(
            (
                "es",
                "Guitarra flamenca: compás y falsetas",
                "Rasgueados, compás y tus primeras falsetas por soleá, bulerías y tangos.",
            ),
        ),
    ),
    Template(
        "guitar",
        "Ukulele in a weekend",
        "Four chords, a strum and a dozen songs: the quickest way to start making music.",
        _md("""
            The ukulele is the friendliest instrument there is. In two relaxed mornings you learn the chords
            behind hundreds of songs and play together as a group.

            Ukuleles are provided, and you can buy one at a discount from our partner shop.
        """),
        "Ukulele to use\nSongbook",
        "None.",
        "Total beginners, families with teenagers, anyone who wants to sing along.",
        BEGINNER,
        2,
        "2",
        70,
        ("Ukulele", "Chords"),
        slot="weekend",
        group=(4, 12),
        countries=("AU", "US", "CA", "GB", "JP"),
    ),
    Template(
        "piano",
        "Piano for adult beginners",
        "Read simple scores, play with both hands and learn your first pieces, at an adult pace.",
        _md("""
            It is never too late to start the piano. This course teaches reading and playing at the same time,
            with pieces you will enjoy and exercises that take ten minutes a day.

            - Posture, fingering and the keyboard
            - Reading treble and bass clefs
            - Playing hands together
            - Chords and simple accompaniment
        """),
        "Digital piano with headphones in class\nMethod book",
        "None.",
        "Adults who have always wanted to play.",
        BEGINNER,
        8,
        "1",
        220,
        ("Piano", "Sight-reading", "Music theory"),
        modes=(IN_PERSON, HYBRID),
        group=(2, 6),
        tr=(
            (
                "de",
                "Klavier für erwachsene Anfänger",
                "Einfache Noten lesen, beidhändig spielen und die ersten Stücke lernen, im Tempo von Erwachsenen.",
            ),
            (
                "fr",
                "Piano pour adultes débutants",
                "Lire des partitions simples, jouer à deux mains et apprendre vos premiers morceaux.",
            ),
        ),
    ),
    Template(
        "piano",
        "Jazz piano harmony",
        "Voicings, ii–V–I progressions and comping: the language of jazz at the keyboard.",
        _md("""
            For pianists who read music and want to understand jazz. We build up the harmony step by step and
            apply it to standards.

            - Shell voicings and rootless voicings
            - The ii–V–I in all keys
            - Comping rhythms
            - Reharmonising a standard
        """),
        "Lead sheets and voicing charts\nPlay-along tracks",
        "Grade 3 piano or equivalent; you read both clefs.",
        "Classical pianists curious about jazz, and self-taught players.",
        INTERMEDIATE,
        6,
        "1.5",
        210,
        ("Piano", "Jazz", "Harmony"),
        modes=(IN_PERSON, ONLINE),
        group=(2, 6),
    ),
    Template(
        "piano",
        "Play by ear: pop piano chords",
        "Work out songs by ear and accompany singers with chords, without reading a note.",
        _md("""
            Many great pianists never read music. This course teaches the chord patterns behind most pop songs
            and how to find them by ear.

            - The four-chord progression and its variations
            - Inversions for smooth movement
            - Left-hand patterns and right-hand rhythms
            - Transcribing a song of your choice
        """),
        "Chord charts\nEar-training exercises",
        "None.",
        "Singers, songwriters and anyone who wants to play for fun.",
        BEGINNER,
        6,
        "1.5",
        160,
        ("Piano", "Playing by ear", "Chords"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(2, 8),
    ),
    Template(
        "singing",
        "Find your voice: singing for beginners",
        "Breathing, posture and pitch: build a healthy, confident singing voice in a supportive group.",
        _md("""
            Everyone can sing better. In this course we work on the body first (breath, posture, resonance), then
            on pitch and style, with songs chosen by the group.

            - Breathing and support
            - Warming up safely
            - Singing in tune and hearing yourself
            - A small performance for friends in the last class (optional!)
        """),
        "Warm-up recordings\nSong sheets",
        "None.",
        "Shower singers, karaoke fans, choir hopefuls.",
        BEGINNER,
        6,
        "1.5",
        140,
        ("Singing", "Vocal technique", "Breathing"),
        modes=(IN_PERSON, HYBRID),
        group=(4, 12),
        tr=(
            (
                "es",
                "Encuentra tu voz: canto para principiantes",
                "Respiración, postura y afinación para una voz sana y segura, en un grupo que te apoya.",
            ),
            (
                "ar",
                "اكتشف صوتك: الغناء للمبتدئين",
                "التنفس ووضعية الجسم والطبقة الصوتية: ابنِ صوتاً غنائياً صحياً وواثقاً ضمن مجموعة داعمة.",
            ),
        ),
    ),
    Template(
        "singing",
        "Community choir: songs from around the world",
        "Sing in four parts with songs from Africa, the Balkans, Latin America and the Beatles.",
        _md("""
            No auditions and no need to read music: we learn by ear, part by part. Singing in harmony with
            thirty people is one of the best feelings there is.

            The term ends with an informal concert for family and friends.
        """),
        "Recordings of each part\nLyrics and translations",
        "None.",
        "Everyone who enjoys singing.",
        ALL,
        8,
        "1.5",
        90,
        ("Choir", "Singing", "Harmony"),
        group=(8, 30),
    ),
    Template(
        "singing",
        "Songwriting workshop",
        "Write and finish three songs: melody, lyrics and structure, with feedback from a working songwriter.",
        _md("""
            Most songs die as voice memos. This workshop gives you deadlines, tools and a group that listens.

            - Finding an idea and a hook
            - Verse, chorus and bridge
            - Lyrics: images, rhyme and saying one thing well
            - Feedback sessions on your songs

            Any instrument, any genre. Some sessions run online so you can join from home.
        """),
        "Weekly writing prompts\nFeedback on three songs",
        "You can play a few chords on guitar or piano, or sing.",
        "Aspiring songwriters and musicians.",
        INTERMEDIATE,
        6,
        "2",
        180,
        ("Songwriting", "Lyrics", "Composition"),
        modes=(ONLINE, HYBRID, IN_PERSON),
        group=(3, 10),
    ),
    Template(
        "music",
        "Music production with Ableton Live",
        "Make your first complete track: beats, bass, synths, arrangement and a clean mixdown.",
        _md("""
            A project-based course in Ableton Live. Each week you add a layer to your track, and in the last
            session we listen to everyone's finished piece on the studio monitors.

            - Session and arrangement views
            - Drum programming and groove
            - Synths and sampling
            - Arrangement, mixing and exporting
        """),
        "Studio workstations with Ableton Live Suite\nSample pack",
        "A laptop helps for homework (a trial version of Ableton is fine).",
        "Beginners who want to produce electronic music.",
        BEGINNER,
        6,
        "2.5",
        260,
        ("Music production", "Ableton Live", "Mixing"),
        modes=(IN_PERSON, HYBRID),
        group=(2, 8),
        tr=(
            (
                "de",
                "Musikproduktion mit Ableton Live",
                "Der erste eigene Track: Beats, Bass, Synths, Arrangement und ein sauberer Mixdown.",
            ),
        ),
    ),
    Template(
        "music",
        "DJ fundamentals",
        "Beatmatching, phrasing and building a set on club-standard decks.",
        _md("""
            Learn to DJ on the equipment you will find in clubs. We start with beatmatching by ear and end with a
            recorded thirty-minute mix.

            - Controllers, CDJs and the mixer
            - Beatmatching and phrasing
            - EQ and transitions
            - Planning and recording a set
        """),
        "Decks and mixer time\nRecording of your final mix",
        "None.",
        "Music lovers who want to play for others.",
        BEGINNER,
        4,
        "2",
        200,
        ("DJing", "Beatmatching", "Music"),
        group=(2, 4),
    ),
    # --- Dance --------------------------------------------------------------------------------------
    Template(
        "salsa",
        "Salsa for beginners (on 1)",
        "Basic steps, turns and leading and following: dance your first salsa at a party in four weeks.",
        _md("""
            A fun, sociable start to salsa. You do not need a partner: we rotate every few minutes so you dance
            with everyone.

            - The basic step and timing on 1
            - Cross-body lead and right and left turns
            - Leading and following with clear connection
            - A short routine to show off

            Wear comfortable shoes with smooth soles.
        """),
        "Practice videos\nEntry to our monthly social",
        "None, and no partner needed.",
        "Beginners, singles and couples.",
        BEGINNER,
        4,
        "1.5",
        80,
        ("Salsa", "Partner dancing"),
        group=(8, 24),
        tr=(
            (
                "es",
                "Salsa para principiantes (en 1)",
                "Paso básico, vueltas y conexión con tu pareja: baila tu primera salsa en una fiesta en un mes.",
            ),
            (
                "fr",
                "Salsa pour débutants (on 1)",
                "Pas de base, tours et guidage : dansez votre première salsa en soirée en quatre semaines.",
            ),
        ),
    ),
    Template(
        "salsa",
        "Bachata: sensual and modern (intermediate)",
        "Body movement, waves and smooth combinations for dancers who know the basics of bachata.",
        _md("""
            Take your bachata to the next level with body movement, musicality and combinations that flow. We
            work in pairs with regular rotation.

            - Body waves and isolations
            - Sensual turns and dips, safely
            - Musicality: dancing the breaks
            - A combination per week
        """),
        "Practice videos",
        "About six months of bachata or salsa.",
        "Social dancers who want more style.",
        INTERMEDIATE,
        4,
        "1.5",
        85,
        ("Bachata", "Partner dancing", "Musicality"),
        group=(8, 20),
    ),
    Template(
        "salsa",
        "Free trial class: salsa for first-timers",
        "Never danced? Come and try salsa for an hour, with no commitment and no partner needed.",
        _md("""
            One friendly hour to see whether salsa is for you. You learn the basic step and a simple turn, and
            dance with other beginners to great music.

            If you like it, the beginners' course starts a few days later.
        """),
        "One hour class",
        "None.",
        "Anyone curious about salsa.",
        BEGINNER,
        1,
        "1",
        0,
        ("Salsa", "Partner dancing"),
        group=(6, 30),
        tr=(
            (
                "es",
                "Clase de prueba gratuita: salsa para principiantes",
                "¿Nunca has bailado? Prueba la salsa durante una hora, sin compromiso y sin pareja.",
            ),
            (
                "ar",
                "حصة تجريبية مجانية: السالسا لأول مرة",
                "لم ترقص من قبل؟ تعال وجرّب السالسا لمدة ساعة، دون أي التزام ودون الحاجة إلى شريك.",
            ),
        ),
    ),
    Template(
        "ballet",
        "Adult ballet from scratch",
        "The barre, the five positions and your first centre work, in a welcoming class for grown-ups.",
        _md("""
            Ballet for adults who never did it, or stopped at ten. Classes follow the structure of a classical
            class at a gentle pace.

            - Barre: pliés, tendus, dégagés and ronds de jambe
            - The five positions and port de bras
            - Simple centre work and adage
            - Small jumps when you are ready

            Wear leggings or shorts and a fitted top; ballet slippers can be bought at the studio.
        """),
        "Live piano accompaniment once a month",
        "None.",
        "Adult beginners of any age and shape.",
        BEGINNER,
        8,
        "1.5",
        130,
        ("Ballet", "Flexibility", "Posture"),
        group=(6, 16),
        tr=(
            (
                "fr",
                "Danse classique pour adultes débutants",
                "La barre, les cinq positions et le premier travail au milieu, dans un cours accueillant.",
            ),
        ),
    ),
    Template(
        "ballet",
        "Ballet technique: improvers",
        "Pirouettes, allegro and longer combinations for adults with some ballet behind them.",
        _md("""
            For adults with a year or more of ballet, or returning dancers. Full barre, then centre work with
            turns, adage and allegro.

            - Clean preparations and single to double pirouettes
            - Petit and grand allegro
            - Épaulement and musicality
        """),
        "Live piano once a month",
        "About a year of ballet classes.",
        "Adult improvers and returners.",
        INTERMEDIATE,
        8,
        "1.5",
        140,
        ("Ballet", "Turns", "Technique"),
        group=(6, 16),
    ),
    Template(
        "ballet",
        "Barre fitness",
        "A low-impact workout from the ballet barre: posture, core and long, strong muscles.",
        _md("""
            Barre fitness borrows ballet's exercises without the choreography. Expect small, precise movements,
            plenty of burn and excellent posture.

            Suitable for all fitness levels; exercises have easier and harder options.
        """),
        "Mats and light weights",
        "None.",
        "Anyone who wants a graceful full-body workout.",
        ALL,
        6,
        "1",
        75,
        ("Barre", "Fitness", "Posture"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 18),
    ),
    Template(
        "contemporary",
        "Hip hop foundations",
        "Grooves, bounces and rocks, then a short choreography each week: the basics of hip hop dance.",
        _md("""
            Hip hop is a culture and a way of moving. We start with its foundations and history, then put them
            together in short choreographies.

            - Bounce and rock, the two basic grooves
            - Party dances from the 80s to today
            - Freestyle circles in a safe space
            - A filmed choreography at the end
        """),
        "Video of each choreography",
        "None.",
        "Teens (16+) and adults who want to move.",
        BEGINNER,
        6,
        "1.5",
        90,
        ("Hip hop", "Choreography", "Freestyle"),
        group=(8, 24),
        tr=(
            (
                "es",
                "Fundamentos de hip hop",
                "Grooves, rebotes y una coreografía corta cada semana: las bases del baile hip hop.",
            ),
        ),
    ),
    Template(
        "contemporary",
        "Contemporary dance: floor work and release",
        "Use gravity, breath and the floor: a contemporary class that builds strength and freedom.",
        _md("""
            Contemporary technique rooted in release and floor work. Each class moves from a slow warm-up on the
            floor to travelling phrases across the room.

            - Spirals, rolls and weight transfer
            - Breath and release
            - Improvisation tasks
            - A longer phrase built over the weeks
        """),
        "Live percussion in selected classes",
        "Some dance experience in any style.",
        "Dancers and movers curious about contemporary.",
        INTERMEDIATE,
        6,
        "1.5",
        110,
        ("Contemporary dance", "Improvisation", "Floor work"),
        group=(6, 18),
    ),
    Template(
        "contemporary",
        "Commercial choreography",
        "Learn music-video style choreography with sharp details, performance and camera awareness.",
        _md("""
            Fast-paced classes with choreography inspired by music videos and stage shows. We focus on
            clean details, musicality and performing with intention, and film at the end of each block.
        """),
        "Filmed performance",
        "At least a year of dance classes.",
        "Dancers who love pop and performance.",
        ADVANCED,
        4,
        "2",
        100,
        ("Choreography", "Performance"),
        group=(8, 20),
    ),
    Template(
        "dance",
        "Sevillanas in four weeks",
        "Learn the four coplas of sevillanas and dance them at the next feria, with live guitar.",
        _md("""
            Sevillanas are the folk dance everyone dances at Andalusian fairs. They are danced in pairs and have
            four parts (coplas); we learn one each week, with a guitarist in every class.

            Wear shoes with a small heel if you have them, and a skirt with movement if you like.
        """),
        "Live guitar in class\nVideo of each copla",
        "None.",
        "Beginners, visitors and anyone going to a feria.",
        BEGINNER,
        4,
        "1.5",
        90,
        ("Sevillanas", "Flamenco", "Folk dance"),
        group=(6, 16),
        countries=("ES",),
        tr=(
            (
                "es",
                "Sevillanas en cuatro semanas",
                "Aprende las cuatro coplas de las sevillanas y báilalas en la próxima feria, con guitarra en directo.",
            ),
        ),
    ),
    Template(
        "dance",
        "Flamenco technique: alegrías",
        "Footwork, arms and marking the compás: learn a full alegrías choreography with live guitar and song.",
        _md("""
            For dancers with some flamenco who want to learn a complete palo. Alegrías is bright, from Cádiz, and
            a perfect first choreography.

            - Zapateado and contratiempos
            - Braceo and floreo
            - Llamadas, cierres and the escobilla
            - Dancing with cante and guitar
        """),
        "Live guitar and singing\nVideo of the choreography",
        "About a year of flamenco or sevillanas.",
        "Intermediate flamenco dancers.",
        INTERMEDIATE,
        8,
        "1.5",
        180,
        ("Flamenco", "Footwork", "Choreography"),
        group=(4, 14),
        countries=("ES",),
        tr=(
            (
                "es",
                "Técnica flamenca: alegrías",
                "Zapateado, braceo y compás: aprende una coreografía completa por alegrías con cante y guitarra.",
            ),
        ),
    ),
    Template(
        "dance",
        "Lindy hop for beginners",
        "Swing outs, Charleston and the joy of 1930s swing music: start lindy hop from zero.",
        _md("""
            Lindy hop was born in Harlem's ballrooms and is still the happiest dance around. No partner needed:
            we rotate all the time.

            - Six-count and eight-count basics
            - The swing out
            - Charleston variations
            - Social dancing etiquette
        """),
        "Entry to the Friday social dance",
        "None.",
        "Beginners and dancers from other styles.",
        BEGINNER,
        6,
        "1.5",
        110,
        ("Lindy hop", "Swing dance", "Partner dancing"),
        group=(8, 30),
        countries=("US", "GB", "DE", "FR", "CA", "AU"),
    ),
    Template(
        "dance",
        "Tap dance basics",
        "Shuffles, flaps and time steps: make music with your feet.",
        _md("""
            Tap is percussion you dance. We start with the sounds (brush, shuffle, flap) and build up to a
            classic time step and a short routine to a jazz standard.

            Tap shoes can be borrowed for the first class.
        """),
        "Loan tap shoes for the first class",
        "None.",
        "Beginners who love rhythm.",
        BEGINNER,
        6,
        "1",
        100,
        ("Tap dance", "Rhythm"),
        group=(6, 16),
        countries=("US", "GB", "CA", "AU"),
    ),
    # --- Sports -------------------------------------------------------------------------------------
    Template(
        "yoga",
        "Vinyasa flow for beginners",
        "Learn the sun salutations and basic poses safely, and link them with your breath.",
        _md("""
            A step-by-step introduction to vinyasa yoga. We break down the main poses with alignment cues and
            variations, so you can join any open class with confidence afterwards.

            - Sun salutations A and B
            - Standing poses and balance
            - Breath and movement
            - Relaxation and a short meditation
        """),
        "Mats and props",
        "None.",
        "Beginners and people returning after a break.",
        BEGINNER,
        6,
        "1.25",
        90,
        ("Yoga", "Vinyasa", "Breathing"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 18),
        tr=(
            (
                "es",
                "Vinyasa flow para principiantes",
                "Aprende los saludos al sol y las posturas básicas con seguridad, unidas a la respiración.",
            ),
            (
                "de",
                "Vinyasa Flow für Einsteiger",
                "Sonnengrüße und Grundhaltungen sicher lernen und mit dem Atem verbinden.",
            ),
        ),
    ),
    Template(
        "yoga",
        "Yin yoga and breathwork",
        "Long, quiet holds and simple breathing techniques to release tension and sleep better.",
        _md("""
            Yin yoga holds passive poses for three to five minutes to work on connective tissue and calm the
            nervous system. Each class ends with a guided breathing practice.

            Suitable for all levels and a good complement to running, climbing or desk work.
        """),
        "Mats, bolsters and blankets",
        "None.",
        "Stressed people, athletes and desk workers.",
        ALL,
        6,
        "1.25",
        85,
        ("Yin yoga", "Breathwork", "Relaxation"),
        modes=(IN_PERSON, ONLINE),
        group=(6, 16),
    ),
    Template(
        "yoga",
        "Pilates mat: core and posture",
        "Strengthen your deep core and improve posture with classical mat Pilates.",
        _md("""
            Mat Pilates builds strength from the centre outwards. We learn the principles and the classical
            exercises with modifications for every body.

            - Breathing and the powerhouse
            - The hundred, roll-ups and the series of five
            - Spine mobility and posture
        """),
        "Mats and small equipment",
        "None; tell us about injuries before the first class.",
        "Anyone with back pain from sitting, and athletes.",
        BEGINNER,
        8,
        "1",
        110,
        ("Pilates", "Core strength", "Posture"),
        modes=(IN_PERSON, HYBRID),
        group=(4, 12),
    ),
    Template(
        "climbing",
        "Bouldering for beginners",
        "Climb safely, fall safely and learn the basic movement that makes climbing feel easy.",
        _md("""
            Bouldering needs no ropes and no partner, just shoes and curiosity. This course teaches safe falling,
            footwork and the movement patterns that save your arms.

            - Warming up and falling safely
            - Footwork: edging and smearing
            - Straight arms and hip position
            - Reading a problem before you climb it
        """),
        "Shoe hire and chalk\nGym entry on course days",
        "None.",
        "Beginners and gym-goers looking for something new.",
        BEGINNER,
        4,
        "2",
        95,
        ("Bouldering", "Climbing technique"),
        slot="any",
        group=(4, 8),
    ),
    Template(
        "climbing",
        "Lead climbing course",
        "Clip quickdraws, fall safely and belay a leader: the step from top-rope to lead.",
        _md("""
            The next step for top-rope climbers. We cover lead belaying with a dynamic catch, clipping and
            falling practice in a controlled way.

            - Checks and communication
            - Clipping efficiently and avoiding back-clips
            - Lead falls: practice from small to larger
            - Dynamic belaying

            At the end you take our lead assessment for unsupervised lead climbing in the gym.
        """),
        "Rope, quickdraws and harness hire\nLead assessment",
        "Confident top-rope climbing at grade 5+ and belaying.",
        "Indoor climbers ready to lead.",
        INTERMEDIATE,
        3,
        "2.5",
        140,
        ("Lead climbing", "Belaying", "Climbing safety"),
        slot="weekend",
        group=(2, 6),
    ),
    Template(
        "swimming",
        "Adult learn-to-swim",
        "Overcome the fear of water and learn to swim your first lengths in a small, patient group.",
        _md("""
            For adults who cannot swim or do not feel safe in water. We start in the shallow end and go at your
            pace: floating, breathing, then moving.

            - Breath control and putting your face in the water
            - Floating on front and back
            - Kicking and arm movement
            - Your first length
        """),
        "Pool entry on course days\nFloats and equipment",
        "None.",
        "Adults who never learned, or had a bad experience.",
        BEGINNER,
        8,
        "1",
        160,
        ("Swimming", "Water confidence"),
        group=(3, 6),
    ),
    Template(
        "swimming",
        "Front crawl technique",
        "Breathe easily, glide further and swim 400 metres of relaxed front crawl.",
        _md("""
            Video analysis in the first and last class shows your progress. In between, drills for body position,
            bilateral breathing and a relaxed catch.

            Ideal preparation for open-water swims and triathlons.
        """),
        "Underwater video analysis\nPool entry",
        "You can swim 50 metres in any stroke.",
        "Swimmers and triathletes who want better technique.",
        INTERMEDIATE,
        6,
        "1",
        150,
        ("Front crawl", "Swimming technique", "Triathlon"),
        group=(3, 8),
    ),
]

LIBRARY += [
    # --- Technology ---------------------------------------------------------------------------------
    Template(
        "programming",
        "Python for beginners",
        "Write real programs in Python: variables, loops, functions, files and your first small project.",
        _md("""
            Python is the friendliest first programming language and one of the most useful. Every class is
            hands-on: short explanations, then exercises with a mentor at your side.

            - Variables, types and input/output
            - Conditions and loops
            - Functions and modules
            - Working with files and data
            - A final project: automate a boring task of your choice
        """),
        "Exercise notebooks\nCode reviews by mentors\nCertificate of completion",
        "None. Bring a laptop (Windows, macOS or Linux).",
        "Complete beginners, analysts and career changers.",
        BEGINNER,
        8,
        "2.5",
        390,
        ("Python", "Programming", "Automation"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 20),
        tr=(
            (
                "de",
                "Python für Einsteiger",
                "Echte Programme in Python schreiben: Variablen, Schleifen, Funktionen, Dateien und ein erstes "
                "Projekt.",
            ),
            (
                "es",
                "Python para principiantes",
                "Escribe programas reales en Python: variables, bucles, funciones, ficheros y tu primer proyecto.",
            ),
            (
                "ar",
                "بايثون للمبتدئين",
                "اكتب برامج حقيقية بلغة بايثون: المتغيرات والحلقات والدوال والملفات ومشروعك الأول.",
            ),
        ),
    ),
    Template(
        "programming",
        "JavaScript fundamentals",
        "The language of the web from the ground up: syntax, the DOM, events and fetching data.",
        _md("""
            A solid foundation in modern JavaScript for people who want to build for the web. We write code from
            the first minute and build three small interactive pages.

            1. Syntax, types and functions
            2. Arrays, objects and iteration
            3. The DOM and events
            4. Promises, async/await and fetch
        """),
        "Exercise repository\nMentor feedback on your projects",
        "Basic HTML and CSS helps.",
        "Aspiring web developers and designers who want to code.",
        BEGINNER,
        8,
        "2.5",
        420,
        ("JavaScript", "Web development", "Programming"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 20),
    ),
    Template(
        "programming",
        "Git and GitHub in a day",
        "Commit, branch, merge and open pull requests with confidence: version control for everyone.",
        _md("""
            Git is the tool every developer uses and many fear. In one day you learn the mental model behind it
            and the everyday commands, with practice on a shared repository.

            - Commits, the staging area and history
            - Branches, merges and resolving conflicts
            - Remotes, pull requests and code review
            - Undoing mistakes safely
        """),
        "Practice repository\nCheat sheet",
        "Comfortable using a terminal is a plus, not a must.",
        "New developers, data analysts, designers and writers who work with developers.",
        BEGINNER,
        1,
        "6",
        180,
        ("Git", "GitHub", "Version control"),
        modes=(IN_PERSON, ONLINE),
        slot="weekend",
        group=(6, 20),
    ),
    Template(
        "programming",
        "Free taster: write your first program",
        "Two hours, one laptop, zero experience: write a small game in Python and see if coding is for you.",
        _md("""
            Curious about coding? Join this free evening and write a small text game in Python with help from our
            mentors. You will see how programmers think and leave with a program you wrote yourself.

            Laptops are available if you do not have one.
        """),
        "Loan laptops\nSnacks",
        "None.",
        "Anyone wondering whether programming is for them.",
        BEGINNER,
        1,
        "2",
        0,
        ("Programming", "Python"),
        modes=(IN_PERSON, ONLINE),
        group=(6, 30),
        tr=(
            (
                "es",
                "Taller gratuito: escribe tu primer programa",
                "Dos horas, un portátil y cero experiencia: programa un pequeño juego en Python y descubre si es "
                "lo tuyo.",
            ),
            (
                "fr",
                "Atelier découverte gratuit : votre premier programme",
                "Deux heures, un ordinateur, aucune expérience : écrivez un petit jeu en Python.",
            ),
        ),
    ),
    Template(
        "data-science",
        "Data analysis with pandas",
        "Clean, reshape, analyse and visualise real data sets with Python, pandas and Jupyter.",
        _md("""
            A practical course built on real, messy data: city bike trips, house prices, public health records.
            You learn the pandas workflow analysts use every day.

            - Loading data and exploring it
            - Cleaning: missing values, types, duplicates
            - Grouping, joining and reshaping
            - Charts with matplotlib and seaborn
            - Presenting findings in a notebook
        """),
        "Data sets and notebooks\nFinal project review",
        "Basic Python (variables, loops, functions).",
        "Analysts, researchers and Excel power users.",
        INTERMEDIATE,
        6,
        "3",
        450,
        ("Data analysis", "Pandas", "Python", "Data visualisation"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 18),
        tr=(
            (
                "de",
                "Datenanalyse mit pandas",
                "Echte Datensätze mit Python, pandas und Jupyter bereinigen, umformen, analysieren und visualisieren.",
            ),
        ),
    ),
    Template(
        "data-science",
        "SQL for analysts",
        "Query databases with confidence: joins, aggregates, window functions and readable SQL.",
        _md("""
            SQL is the most useful skill for anyone who works with data. We work on a realistic shop database and
            answer business questions with queries of growing complexity.

            - SELECT, WHERE and ORDER BY
            - Joins explained with pictures
            - GROUP BY and aggregates
            - Subqueries, CTEs and window functions
        """),
        "Practice database in the browser\nExercise sets with solutions",
        "None.",
        "Analysts, marketers, product managers.",
        BEGINNER,
        6,
        "2.5",
        380,
        ("SQL", "Databases", "Data analysis"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 20),
    ),
    Template(
        "data-science",
        "Machine learning foundations",
        "Regression, classification, model evaluation and your first neural network, explained clearly.",
        _md("""
            Understand what machine learning can and cannot do, and build models with scikit-learn. We focus on
            intuition and good practice rather than formulas.

            - Supervised learning: regression and classification
            - Train/test splits, cross-validation and overfitting
            - Trees, ensembles and when to use them
            - A first neural network
            - Bias and responsible use of models
        """),
        "Notebooks and data sets\nProject feedback",
        "Python and pandas basics; high-school maths.",
        "Analysts and developers moving into data science.",
        ADVANCED,
        8,
        "3",
        650,
        ("Machine learning", "scikit-learn", "Python", "Data science"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 18),
    ),
    Template(
        "web-development",
        "HTML and CSS: build your first website",
        "Structure content with HTML, style it with CSS and publish a responsive personal site.",
        _md("""
            Everyone who builds for the web starts here. By the end you have designed, built and published a
            personal website that looks good on phones and laptops.

            - Semantic HTML and accessibility basics
            - CSS: the box model, flexbox and grid
            - Responsive design
            - Publishing for free on the web
        """),
        "Starter templates\nCode review of your site",
        "None. Bring a laptop.",
        "Beginners, small business owners, designers.",
        BEGINNER,
        6,
        "2.5",
        320,
        ("HTML", "CSS", "Responsive design"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 20),
        tr=(
            (
                "fr",
                "HTML et CSS : créez votre premier site",
                "Structurer avec HTML, mettre en forme avec CSS et publier un site personnel adaptatif.",
            ),
        ),
    ),
    Template(
        "web-development",
        "React for web developers",
        "Components, state, hooks and data fetching: build a real single-page app with React.",
        _md("""
            For developers who know JavaScript and want to build modern interfaces. We build one app over the
            course, adding a concept every week.

            - Components and props
            - State and hooks
            - Forms and data fetching
            - Routing and deployment
            - Testing components
        """),
        "Project repository\nCode reviews",
        "Solid JavaScript (functions, arrays, promises).",
        "Junior developers and back-end developers going front-end.",
        INTERMEDIATE,
        8,
        "3",
        690,
        ("React", "JavaScript", "Front-end development"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 20),
    ),
    Template(
        "web-development",
        "Web apps with Django",
        "Models, views, templates, forms and deployment: build and ship a database-backed web app.",
        _md("""
            Django powers sites large and small. In this course you build a complete app (a small booking
            system) and deploy it.

            - Models and migrations
            - Views, URLs and templates
            - Forms and validation
            - Authentication and permissions
            - Deployment and what to watch in production
        """),
        "Project repository\nDeployment guide",
        "Python basics.",
        "Python programmers who want to build for the web.",
        INTERMEDIATE,
        8,
        "3",
        640,
        ("Django", "Python", "Web development"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 18),
    ),
    Template(
        "design",
        "UX design fundamentals",
        "Research, personas, user flows, wireframes and usability testing: the UX process end to end.",
        _md("""
            Learn how designers find out what people need and turn it into products that work. You follow the
            full process on a real brief from a local organisation.

            1. User research and interviews
            2. Personas and journey maps
            3. Information architecture and flows
            4. Wireframes and prototypes
            5. Usability testing and iterating
        """),
        "Real project brief\nPortfolio case-study review",
        "None.",
        "Career changers, developers and product managers.",
        BEGINNER,
        8,
        "2.5",
        520,
        ("UX design", "User research", "Prototyping"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 18),
        tr=(
            (
                "es",
                "Fundamentos de diseño UX",
                "Investigación, personas, flujos, wireframes y tests de usabilidad: el proceso UX completo.",
            ),
        ),
    ),
    Template(
        "design",
        "Figma for beginners",
        "Frames, auto layout, components and prototypes: design a mobile app screen by screen in Figma.",
        _md("""
            Figma is the standard tool for interface design. We design a small mobile app together and learn the
            features professionals rely on.

            - Frames, shapes and text
            - Auto layout and constraints
            - Components and variants
            - Clickable prototypes and handing off to developers
        """),
        "Design files and UI kit",
        "None. A free Figma account.",
        "Aspiring designers, developers and marketers.",
        BEGINNER,
        4,
        "2.5",
        260,
        ("Figma", "UI design", "Prototyping"),
        modes=(ONLINE, IN_PERSON, HYBRID),
        group=(6, 20),
    ),
    Template(
        "design",
        "Graphic design basics: type, colour and layout",
        "The principles behind good posters, slides and social posts, with exercises you can reuse at work.",
        _md("""
            Good design follows a few principles anyone can learn. Each week one principle, one exercise and a
            critique in the group.

            - Typography: choosing and pairing fonts
            - Colour: contrast and palettes
            - Layout: grids, hierarchy and white space
            - Putting it together: a poster and a slide deck
        """),
        "Exercise files\nGroup critiques",
        "None.",
        "Non-designers who make slides, posters and posts.",
        BEGINNER,
        5,
        "2",
        240,
        ("Graphic design", "Typography", "Layout"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 16),
    ),
    # --- Business -----------------------------------------------------------------------------------
    Template(
        "marketing",
        "Digital marketing essentials",
        "Strategy, search, social, email and analytics: how the pieces of digital marketing fit together.",
        _md("""
            A broad, practical introduction for people who need to market something: a product, a shop, a cause.
            Each week one channel, one case study and one exercise on your own project.

            - Marketing strategy and positioning
            - Search: SEO and paid search
            - Social media and content
            - Email marketing
            - Measuring what works
        """),
        "Templates and checklists\nFeedback on your marketing plan",
        "None.",
        "Small business owners, founders and career changers.",
        BEGINNER,
        6,
        "2.5",
        420,
        ("Digital marketing", "SEO", "Email marketing", "Analytics"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 24),
        tr=(
            (
                "es",
                "Marketing digital esencial",
                "Estrategia, buscadores, redes sociales, email y analítica: cómo encajan las piezas del marketing "
                "digital.",
            ),
        ),
    ),
    Template(
        "marketing",
        "Social media strategy for small businesses",
        "Choose your channels, plan a month of content and measure results without spending all day on it.",
        _md("""
            A practical workshop for people who run their own social media. You leave with a strategy, a content
            calendar and a set of templates.

            - Which platforms fit your business
            - Content pillars and a realistic calendar
            - Photos and short videos with your phone
            - Reading the numbers that matter
        """),
        "Content calendar template\nFeedback on your profiles",
        "You have a business or project to promote.",
        "Shop owners, freelancers, associations.",
        BEGINNER,
        3,
        "2.5",
        190,
        ("Social media marketing", "Content planning"),
        modes=(ONLINE, IN_PERSON, HYBRID),
        group=(6, 20),
    ),
    Template(
        "marketing",
        "SEO fundamentals",
        "Get found on search engines: keywords, content, technical SEO and links, explained without jargon.",
        _md("""
            How search engines work and what you can do about it. We audit your own site or a sample site during
            the course.

            - Keyword research
            - Writing content that ranks and reads well
            - Technical basics: speed, structure, structured data
            - Links and local SEO
        """),
        "SEO audit checklist\nReview of your site",
        "You can edit the content of a website.",
        "Marketers, content writers, site owners.",
        INTERMEDIATE,
        4,
        "2.5",
        280,
        ("SEO", "Content marketing"),
        modes=(ONLINE, IN_PERSON),
        group=(6, 20),
    ),
    Template(
        "finance",
        "Personal finance and investing basics",
        "Budgets, emergency funds, debt, pensions and index funds: take control of your money.",
        _md("""
            The money course we all should have had at school. No product selling, no tips on hot stocks: just
            how money works and how to make good decisions.

            - Budgeting that you can keep up
            - Debt and credit
            - Saving for emergencies and goals
            - Investing: risk, diversification and index funds
            - Pensions and tax-advantaged accounts
        """),
        "Budget spreadsheet\nReading list",
        "None.",
        "Young professionals and anyone who feels lost with money.",
        BEGINNER,
        5,
        "2",
        160,
        ("Personal finance", "Investing", "Budgeting"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 30),
        tr=(
            (
                "es",
                "Finanzas personales e inversión básica",
                "Presupuestos, fondo de emergencia, deudas, pensiones y fondos indexados: toma el control de tu "
                "dinero.",
            ),
            (
                "de",
                "Persönliche Finanzen und Geldanlage",
                "Budget, Notgroschen, Schulden, Altersvorsorge und ETFs: Ihr Geld im Griff.",
            ),
        ),
    ),
    Template(
        "finance",
        "Bookkeeping for freelancers",
        "Invoices, expenses, VAT and a simple system that makes tax time painless.",
        _md("""
            For freelancers and sole traders who want to stop dreading their accounts. We set up a simple
            bookkeeping system together and practise with a year of sample transactions.

            - Invoices and what they must contain
            - Tracking expenses and receipts
            - VAT or sales tax basics
            - Preparing for your tax return
        """),
        "Bookkeeping template\nChecklist for tax season",
        "None.",
        "Freelancers, sole traders, side-hustlers.",
        BEGINNER,
        3,
        "2.5",
        170,
        ("Bookkeeping", "Accounting", "Freelancing"),
        modes=(ONLINE, IN_PERSON),
        group=(6, 20),
    ),
    Template(
        "finance",
        "Financial modelling in Excel",
        "Build a three-statement model, forecast cash flow and value a business in Excel.",
        _md("""
            The modelling skills used in corporate finance and start-ups, taught step by step in Excel.

            - Good spreadsheet structure and formatting
            - Income statement, balance sheet, cash flow
            - Forecasting drivers and scenarios
            - Discounted cash flow valuation
        """),
        "Model templates\nSolutions workbook",
        "Comfortable with Excel formulas; basic accounting.",
        "Analysts, founders and finance students.",
        ADVANCED,
        6,
        "3",
        590,
        ("Financial modelling", "Excel", "Valuation"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 24),
    ),
    Template(
        "entrepreneurship",
        "From idea to first customers",
        "Test your business idea cheaply, talk to customers and make your first sales in six weeks.",
        _md("""
            A hands-on programme for people with an idea and a day job. Each week you do one experiment with real
            customers and report back to the group.

            - Problem interviews
            - A one-page business model
            - Landing pages and pre-sales
            - Pricing and your first sales
            - Deciding what to do next
        """),
        "Templates and scripts\nPeer group and mentor feedback",
        "An idea (or two) you want to test.",
        "Aspiring founders and side-project builders.",
        BEGINNER,
        6,
        "2.5",
        350,
        ("Entrepreneurship", "Customer discovery", "Lean startup"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 20),
        tr=(
            (
                "fr",
                "De l'idée aux premiers clients",
                "Tester votre idée à moindre coût, parler aux clients et réaliser vos premières ventes en six "
                "semaines.",
            ),
        ),
    ),
    Template(
        "entrepreneurship",
        "Business plan clinic",
        "Turn your idea into a clear, convincing business plan, with feedback from a bank advisor.",
        _md("""
            Two weekend sessions to write the plan banks and investors want to read. The second session includes
            individual feedback from an experienced business advisor.

            - Market and competition
            - Marketing and sales plan
            - Financial forecast
            - Presenting your plan
        """),
        "Business plan template\nIndividual feedback",
        "A business idea.",
        "Founders applying for loans or grants.",
        INTERMEDIATE,
        2,
        "4",
        230,
        ("Business planning", "Entrepreneurship"),
        modes=(IN_PERSON, HYBRID),
        slot="weekend",
        group=(4, 14),
    ),
    Template(
        "entrepreneurship",
        "Pitching to investors",
        "Craft and deliver a pitch that gets a second meeting, with two rehearsals in front of real investors.",
        _md("""
            Investors hear hundreds of pitches. This course helps you build a story they remember and rehearse it
            until it feels natural.

            - The story: problem, solution, why now, why you
            - The deck: ten slides that work
            - Numbers investors ask about
            - Delivery, Q&A and follow-up
        """),
        "Pitch deck template\nTwo rehearsals with feedback",
        "A start-up or project.",
        "Founders preparing a fundraising round.",
        ADVANCED,
        3,
        "3",
        380,
        ("Pitching", "Fundraising", "Presentation"),
        modes=(IN_PERSON, HYBRID),
        group=(4, 12),
    ),
    # --- Personal development -------------------------------------------------------------------------
    Template(
        "public-speaking",
        "Speak with confidence",
        "Calm your nerves, structure your message and speak in front of a group, step by step.",
        _md("""
            A supportive course for people who dread speaking in public. Every week you speak a little longer in
            front of the group and get specific, kind feedback.

            - Managing nerves: breath and preparation
            - Structuring a short talk
            - Voice, pace and pauses
            - Body language and eye contact
            - Handling questions

            Sessions are filmed (for your eyes only) so you can see your progress.
        """),
        "Filmed practice with private video\nFeedback sheets",
        "None.",
        "Anyone who has to speak at work, or wants to.",
        BEGINNER,
        6,
        "2",
        290,
        ("Public speaking", "Presentation", "Confidence"),
        modes=(IN_PERSON, HYBRID),
        group=(4, 12),
        tr=(
            (
                "es",
                "Habla en público con confianza",
                "Controla los nervios, estructura tu mensaje y habla ante un grupo, paso a paso.",
            ),
            ("ar", "تحدّث بثقة", "تغلّب على التوتر ونظّم رسالتك وتحدّث أمام الجمهور خطوة بخطوة."),
        ),
    ),
    Template(
        "public-speaking",
        "Storytelling for presentations",
        "Use the tools of storytellers to make data, projects and ideas memorable.",
        _md("""
            Facts inform, stories persuade. This workshop shows how to find the story in your material and tell
            it in a meeting, a pitch or a conference talk.

            - Story structures that work at work
            - Turning data into a narrative
            - Openings and endings people remember
        """),
        "Story structure worksheets",
        "Some presenting experience.",
        "Managers, researchers, consultants, founders.",
        INTERMEDIATE,
        3,
        "2.5",
        220,
        ("Storytelling", "Presentation", "Communication"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(4, 16),
    ),
    Template(
        "public-speaking",
        "Open evening: public speaking taster",
        "A free evening to try public speaking in a friendly room and get your first piece of feedback.",
        _md("""
            Curious but nervous? Come along, watch a short demonstration and, if you like, give a two-minute talk
            about something you love. Nobody is forced to speak.
        """),
        "Tea and biscuits",
        "None.",
        "Anyone considering our public speaking courses.",
        BEGINNER,
        1,
        "1.5",
        0,
        ("Public speaking",),
        group=(4, 20),
    ),
    Template(
        "writing",
        "Creative writing: short fiction",
        "Write, share and revise short stories with exercises on character, voice, scene and dialogue.",
        _md("""
            A workshop for new and returning writers. Each week a short craft session, a writing exercise and
            constructive feedback on work in progress.

            - Finding ideas and keeping a notebook
            - Character and point of view
            - Scene, dialogue and pace
            - Revising: the real work of writing

            By the end you have a finished short story and the tools to write the next one.
        """),
        "Weekly prompts\nWritten feedback on your story",
        "None.",
        "Anyone who wants to write fiction.",
        BEGINNER,
        8,
        "2",
        260,
        ("Creative writing", "Fiction", "Storytelling"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(4, 12),
        tr=(
            (
                "fr",
                "Écriture créative : la nouvelle",
                "Écrire, partager et réécrire des nouvelles : personnage, voix, scène et dialogue.",
            ),
            (
                "es",
                "Escritura creativa: relato breve",
                "Escribe, comparte y corrige relatos con ejercicios de personaje, voz, escena y diálogo.",
            ),
        ),
    ),
    Template(
        "writing",
        "Memoir and personal essay",
        "Turn your memories and experiences into essays others want to read.",
        _md("""
            Everyone has stories. This course helps you choose which to tell and how, with readings from great
            memoirists and short weekly assignments.

            - Memory and truth
            - Finding the shape of an essay
            - Writing about other people
            - Submitting to magazines
        """),
        "Reading pack\nFeedback on two essays",
        "None.",
        "Writers of any level with a story to tell.",
        ALL,
        6,
        "2",
        220,
        ("Memoir", "Essay writing", "Creative writing"),
        modes=(ONLINE, IN_PERSON, HYBRID),
        group=(4, 12),
    ),
    Template(
        "writing",
        "Poetry workshop",
        "Read, write and talk about poems: image, sound, line breaks and form.",
        _md("""
            A relaxed workshop for people who love poetry or want to. We read a few poems each week, try
            exercises and share drafts.

            No experience needed, just curiosity and a notebook.
        """),
        "Reading pack",
        "None.",
        "Poetry readers and new writers.",
        ALL,
        6,
        "1.5",
        150,
        ("Poetry", "Creative writing"),
        modes=(IN_PERSON, ONLINE),
        group=(4, 12),
    ),
    Template(
        "mindfulness",
        "Mindfulness-based stress reduction (MBSR)",
        "The eight-week programme with the strongest research behind it, taught by a certified teacher.",
        _md("""
            MBSR was developed at the University of Massachusetts and is used in hospitals worldwide. It teaches
            practical ways to meet stress with more calm and clarity.

            - Body scan, sitting meditation and mindful movement
            - Noticing stress reactions and responding differently
            - Difficult emotions and communication
            - A day of practice in silence (optional)

            Expect about thirty minutes of home practice a day.
        """),
        "Guided recordings\nWorkbook",
        "None. Please tell us if you are in treatment for mental health.",
        "Anyone dealing with stress, at work or at home.",
        ALL,
        8,
        "2.5",
        380,
        ("Mindfulness", "Meditation", "Stress management"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 16),
        tr=(
            (
                "de",
                "Stressbewältigung durch Achtsamkeit (MBSR)",
                "Das wissenschaftlich am besten untersuchte Achtsamkeitsprogramm, mit zertifizierter Lehrerin.",
            ),
            (
                "fr",
                "Réduction du stress par la pleine conscience (MBSR)",
                "Le programme en huit semaines le plus étudié, enseigné par une instructrice certifiée.",
            ),
        ),
    ),
    Template(
        "mindfulness",
        "Meditation for beginners",
        "Four evenings to start a simple daily meditation practice that actually lasts.",
        _md("""
            A secular, practical introduction to meditation. We try several techniques and find one that works
            for you, with tips to keep going after the course.

            - Breath awareness
            - Body scan
            - Loving-kindness
            - Building a habit
        """),
        "Guided audio",
        "None.",
        "Complete beginners.",
        BEGINNER,
        4,
        "1.5",
        90,
        ("Meditation", "Mindfulness"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 20),
    ),
    # --- Driving ------------------------------------------------------------------------------------
    Template(
        "car-licence",
        "Theory test preparation",
        "Road signs, priorities and hazard perception: pass your driving theory test first time.",
        _md("""
            Classroom sessions with an instructor who explains the rules instead of just drilling questions,
            plus access to our online question bank.

            - Road signs and markings
            - Priorities and junctions
            - Hazard perception
            - Speed, distance and alcohol
            - Mock tests in exam conditions
        """),
        "Online question bank\nMock tests",
        "The minimum age for a learner's permit in your country.",
        "Learner drivers.",
        BEGINNER,
        4,
        "2",
        90,
        ("Driving theory", "Road safety"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(6, 20),
        tr=(
            (
                "es",
                "Preparación del examen teórico",
                "Señales, preferencias y percepción de riesgos: aprueba el teórico a la primera.",
            ),
            (
                "ar",
                "التحضير لاختبار القيادة النظري",
                "إشارات المرور وأولويات الطريق وإدراك المخاطر: انجح في الاختبار النظري من المحاولة الأولى.",
            ),
        ),
    ),
    Template(
        "car-licence",
        "Practical driving lessons: starter pack",
        "Your first hours behind the wheel, in dual-control cars with patient instructors.",
        _md("""
            Five lessons that take you from the car park to quiet roads. Each lesson is with one instructor and
            up to two learners who swap at the wheel.

            - Controls, mirrors and moving off
            - Gears, steering and stopping
            - Junctions and roundabouts
            - Parking and manoeuvres
        """),
        "Dual-control car and fuel\nProgress report",
        "A valid learner's permit.",
        "New learner drivers.",
        BEGINNER,
        5,
        "1.5",
        260,
        ("Driving", "Car control"),
        slot="any",
        group=(1, 2),
    ),
    Template(
        "car-licence",
        "Motorway and night driving",
        "Build confidence on fast roads and in the dark after your test, with an experienced instructor.",
        _md("""
            Many new drivers avoid motorways and night driving. Two sessions fix that: joining and leaving fast
            roads, lane discipline, overtaking, and driving safely in the dark.
        """),
        "Dual-control car and fuel",
        "A full driving licence.",
        "Newly qualified and nervous drivers.",
        INTERMEDIATE,
        2,
        "2",
        150,
        ("Motorway driving", "Night driving", "Road safety"),
        slot="evening",
        group=(1, 2),
    ),
    Template(
        "motorcycle",
        "Motorcycle basic training",
        "Learn to ride safely on a closed site, then on the road, in one full day.",
        _md("""
            The first step for every new rider. Motorcycle, helmet and gear are provided.

            - Controls, balance and slow riding
            - Braking and emergency stops
            - Observation and the lifesaver glance
            - Road ride with an instructor
        """),
        "Motorcycle, helmet and protective gear\nCertificate of completion",
        "A valid car or learner's licence.",
        "New riders.",
        BEGINNER,
        1,
        "7",
        180,
        ("Motorcycle riding", "Road safety"),
        slot="weekend",
        group=(2, 4),
    ),
    Template(
        "motorcycle",
        "Advanced riding skills",
        "Cornering, braking and positioning for experienced riders who want to ride smoother and safer.",
        _md("""
            A day of coaching on country roads with an advanced instructor. We work on vision, lines through
            corners, braking and overtaking, with video debriefs.
        """),
        "Video debrief\nRoute book",
        "A full motorcycle licence and your own motorcycle.",
        "Experienced riders.",
        ADVANCED,
        1,
        "6",
        200,
        ("Motorcycle riding", "Cornering", "Road safety"),
        slot="weekend",
        group=(2, 4),
    ),
]

LIBRARY += [
    # --- More for the areas schools specialise in ---------------------------------------------------------
    Template(
        "spanish",
        "Spanish for travellers: weekend crash course",
        "The phrases that matter on a trip, in two intensive Saturday mornings: hotels, food, transport, help.",
        _md("""
            Leaving soon? This crash course gives you survival Spanish for a trip, with role plays of the
            situations travellers meet every day.

            - Greetings, politeness and numbers
            - Hotels, restaurants and markets
            - Buses, trains and taxis
            - Asking for help and understanding the answer
        """),
        "Pocket phrasebook\nAudio for the journey",
        "None.",
        "Travellers and people moving to a Spanish-speaking country soon.",
        BEGINNER,
        2,
        "3",
        90,
        ("Spanish", "Travel Spanish"),
        modes=(IN_PERSON, ONLINE),
        slot="weekend",
        group=(4, 12),
        teach="es",
        tr=(
            (
                "es",
                "Español para viajeros: curso intensivo de fin de semana",
                "Las frases que importan en un viaje en dos mañanas de sábado: hotel, comida, transporte y ayuda.",
            ),
        ),
    ),
    Template(
        "german",
        "German for beginners (A1.2)",
        "Complete level A1: past tense, separable verbs, appointments, the doctor and the Bürgeramt.",
        _md("""
            The second half of level A1. We continue where A1.1 stopped and prepare you for life in a German-
            speaking country.

            - Talking about the past (Perfekt)
            - Separable and modal verbs
            - Appointments, the doctor and the Bürgeramt
            - Start Deutsch 1 exam practice in the last class
        """),
        "Course book (Menschen A1.2)\nOnline exercises",
        "German A1.1 completed.",
        "Learners continuing from A1.1.",
        ELEMENTARY,
        8,
        "2",
        240,
        ("German", "Grammar", "Conversation"),
        modes=(IN_PERSON, HYBRID),
        group=(4, 12),
        teach="de",
    ),
    Template(
        "french",
        "French A2: everyday French",
        "Past tenses, the phone, the doctor and the administration: the French you need to live in France.",
        _md("""
            Level A2 for learners who can get by and want to manage everyday life in French without switching to
            English.

            - Passé composé and imparfait
            - Phone calls and appointments
            - Housing, health and the préfecture
            - Writing short emails and messages
        """),
        "Course materials and audio",
        "Level A1 completed.",
        "New residents in France and learners continuing after A1.",
        ELEMENTARY,
        8,
        "2",
        240,
        ("French", "Grammar", "Conversation"),
        modes=(IN_PERSON, HYBRID),
        group=(4, 12),
        teach="fr",
        tr=(
            (
                "fr",
                "Français A2 : le français du quotidien",
                "Temps du passé, téléphone, médecin et démarches : le français pour vivre en France.",
            ),
        ),
    ),
    Template(
        "french",
        "French for work (B1–B2)",
        "Meetings, emails, phone calls and job interviews in French, with your own work situations.",
        _md("""
            For professionals who work, or want to work, in French. We practise the situations of the French
            workplace and the codes that go with them.

            - Formal and informal registers: tu or vous?
            - Emails and reports
            - Meetings and phone calls
            - Job interviews and CVs
        """),
        "Templates for emails and CVs",
        "Level B1.",
        "Professionals and job seekers.",
        UPPER,
        6,
        "2",
        290,
        ("French", "Business French", "Job interviews"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(3, 10),
        teach="fr",
        tr=(
            (
                "fr",
                "Le français professionnel (B1–B2)",
                "Réunions, e-mails, appels et entretiens d'embauche en français, à partir de vos situations.",
            ),
        ),
    ),
    Template(
        "japanese",
        "Business Japanese: keigo and office communication",
        "Honorific language, emails, phone calls and meetings: work in a Japanese company with confidence.",
        _md("""
            Keigo is the biggest hurdle for foreigners working in Japan. We work through sonkeigo, kenjōgo and
            teineigo with real workplace situations.

            - Honorific and humble forms
            - Business emails and their fixed phrases
            - Phone etiquette
            - Meetings, reporting (hōrensō) and small talk with colleagues
        """),
        "Keigo reference sheets\nEmail templates",
        "JLPT N3 or equivalent.",
        "Professionals working, or planning to work, in Japan.",
        UPPER,
        8,
        "2",
        380,
        ("Japanese", "Keigo", "Business Japanese"),
        modes=(IN_PERSON, ONLINE, HYBRID),
        group=(3, 10),
        teach="ja",
        tr=(
            (
                "fr",
                "Japonais des affaires : keigo et communication au bureau",
                "Langage honorifique, e-mails, téléphone et réunions : travailler dans une entreprise japonaise.",
            ),
        ),
    ),
    Template(
        "japanese",
        "Kanji for beginners: the first 200",
        "Learn the 200 most useful kanji with their readings, stroke order and memory stories.",
        _md("""
            Kanji become much easier once you see how they are built. We learn radicals, stroke order and a
            memory story for each character, and read them in real words from signs, menus and stations.

            Weekly quizzes and spaced-repetition decks keep the characters in your head.
        """),
        "Kanji workbook\nSpaced-repetition decks",
        "You can read hiragana.",
        "Beginners who want to read Japanese.",
        ELEMENTARY,
        6,
        "1.5",
        180,
        ("Japanese", "Kanji", "Reading"),
        modes=(IN_PERSON, ONLINE),
        group=(3, 12),
        teach="ja",
    ),
    Template(
        "japanese",
        "Japanese conversation café",
        "Relaxed conversation practice with native speakers over tea, at your level.",
        _md("""
            A weekly evening of conversation in small tables grouped by level, each with a native speaker. Topics
            change every week: seasons, food, work, travel, anime.

            A good complement to any Japanese course.
        """),
        "Tea and wagashi\nTopic cards",
        "JLPT N5 level or more.",
        "Learners who need speaking practice.",
        ALL,
        4,
        "1.5",
        60,
        ("Japanese", "Conversation"),
        group=(4, 16),
        teach="ja",
    ),
    Template(
        "arabic",
        "Egyptian Arabic through films and songs",
        "Learn colloquial Arabic with scenes from classic and modern Egyptian cinema and Umm Kulthum's songs.",
        _md("""
            Egyptian films and songs have taught Arabic to the whole Arab world. We watch short scenes, listen to
            songs and work on the language in them.

            - Expressions and humour from famous films
            - Listening to fast, natural speech
            - The songs everyone knows
        """),
        "Clips with Arabic subtitles\nLyrics and vocabulary",
        "Basic Egyptian Arabic.",
        "Learners who love Arabic culture.",
        INTERMEDIATE,
        6,
        "2",
        150,
        ("Arabic", "Egyptian Arabic", "Listening comprehension"),
        modes=(IN_PERSON, ONLINE),
        group=(3, 10),
        teach="ar",
        tr=(
            (
                "ar",
                "العامية المصرية من خلال الأفلام والأغاني",
                "تعلّم العامية بمشاهد من السينما المصرية القديمة والحديثة وبأغاني أم كلثوم.",
            ),
        ),
    ),
    Template(
        "english",
        "English pronunciation clinic",
        "Sounds, stress and intonation: be understood the first time, whatever your accent.",
        _md("""
            Six focused sessions on the features of pronunciation that matter most for being understood. We
            record you at the start and end so you can hear the difference.

            - The vowel sounds that change meaning
            - Word and sentence stress
            - Linking and rhythm
            - Intonation in questions and lists
        """),
        "Before and after recordings\nPractice audio",
        "Level B1 or above.",
        "Professionals whose English is good but not always understood.",
        INTERMEDIATE,
        6,
        "1.5",
        190,
        ("English", "Pronunciation"),
        modes=(IN_PERSON, ONLINE),
        group=(3, 8),
        teach="en",
    ),
    Template(
        "baking",
        "Celebration cakes and entremets",
        "Sponge, mousse, glaze and decoration: build a layered entremet worthy of a pastry shop window.",
        _md("""
            An advanced pastry course over two sessions. We make the components of a modern entremet and
            assemble it with a mirror glaze.

            - Joconde sponge and crunchy insert
            - Fruit and chocolate mousses
            - Freezing and assembling in a ring
            - Mirror glaze and finishing
        """),
        "All ingredients\nYour entremet to take home",
        "Pastry basics (choux, creams).",
        "Experienced home bakers.",
        ADVANCED,
        2,
        "4",
        240,
        ("Pastry", "Entremets", "Cake decorating"),
        slot="weekend",
        group=(4, 8),
    ),
    Template(
        "car-licence",
        "Refresher lessons for nervous drivers",
        "Get back behind the wheel after a long break, at your own pace, with a calm instructor.",
        _md("""
            Passed your test years ago and stopped driving? These lessons rebuild confidence step by step, on
            routes you choose: your commute, the school run, the supermarket.
        """),
        "Dual-control car and fuel",
        "A full driving licence.",
        "Licence holders who lost confidence.",
        ALL,
        3,
        "1.5",
        170,
        ("Driving", "Confidence"),
        slot="any",
        group=(1, 1),
    ),
    Template(
        "car-licence",
        "Defensive driving in city traffic",
        "Anticipate, keep space and stay calm in heavy traffic: the skills that prevent accidents.",
        _md("""
            A classroom session and two practical sessions in real city traffic. We work on observation,
            following distances, vulnerable road users and staying calm.

            - Scanning and anticipation
            - Space around the car
            - Cyclists, scooters and pedestrians
            - Driving in rain and at night
        """),
        "Classroom session\nDual-control car and fuel",
        "A driving licence or permit.",
        "New drivers and drivers new to the city.",
        INTERMEDIATE,
        3,
        "2",
        150,
        ("Defensive driving", "Road safety"),
        slot="any",
        group=(1, 6),
        tr=(
            (
                "es",
                "Manejo defensivo en el tráfico de la ciudad",
                "Anticípate, guarda distancia y mantén la calma en el tráfico: las habilidades que evitan accidentes.",
            ),
        ),
    ),
]

# --- Which courses fit which school ----------------------------------------------------------------------

GROUPS: dict[str, list[str]] = {
    "languages": ["spanish", "english", "german", "french", "japanese", "arabic"],
    "arts": ["pottery", "painting", "photography", "arts-crafts"],
    "cooking": ["world-cuisine", "baking", "wine"],
    "music": ["guitar", "piano", "singing", "music"],
    "dance": ["salsa", "dance", "contemporary", "ballet"],
    "sports": ["yoga", "climbing", "swimming"],
    "tech": ["programming", "web-development", "data-science", "design"],
    "business": ["marketing", "finance", "entrepreneurship"],
    "personal": ["public-speaking", "writing", "mindfulness"],
    "driving": ["car-licence", "motorcycle"],
}
LANGUAGE_SUBS = {"es": "spanish", "en": "english", "de": "german", "fr": "french", "ja": "japanese", "ar": "arabic"}
COUNTRY_LANGUAGE = {
    "ES": "es", "MX": "es", "AR": "es", "CO": "es", "CL": "es", "PE": "es", "DE": "de", "AT": "de", "CH": "de",
    "FR": "fr", "BE": "fr", "JP": "ja", "EG": "ar", "MA": "ar", "AE": "ar", "JO": "ar", "US": "en", "GB": "en",
    "AU": "en", "CA": "en", "IE": "en", "NZ": "en", "IT": "it", "BR": "pt", "PT": "pt",
}  # fmt: skip

# (pattern on the accent-free lowercase text, group, specific category or None, weight). A specific hit
# counts for its group too; "weak" words (studio, academy, university) only tip the balance.
KEYWORDS: list[tuple[str, str, str | None, float]] = [
    (r"\b(languages?|idiomas?|lenguas?|sprach\w*|langues?|linguist\w*)", "languages", None, 1),
    (r"\b(spanish|espanol|castellano|spanisch|espagnol|dele|siele)\b", "languages", "spanish", 1),
    (r"\b(english|ingles|englisch|anglais|ielts|toefl|cambridge)\b", "languages", "english", 1),
    (r"\b(german|aleman|deutsch|allemand|goethe)\b", "languages", "german", 1),
    (r"\b(french|frances|franzosisch|francais|delf|dalf|tcf)\b", "languages", "french", 1),
    (r"\b(japanese|japones|japanisch|japonais|jlpt|hiragana|kana|kanji)\b", "languages", "japanese", 1),
    (r"\b(arabic|arabe|arabisch|fusha)\b", "languages", "arabic", 1),
    (r"(cook\w*|cocina\w*|kuche\w*|\bkoch\w*|cuisine|culinar\w*|kitchen|\bchefs?\b|gastronom\w*)", "cooking", None, 1),
    (
        r"(pastry|patisserie|pastel\w*|reposter\w*|\bbak(e|er|ery|ing)\b|bread|boulang\w*|croissants?|macarons?"
        r"|eclairs?|sourdough|viennoiserie|desserts?|konditor\w*)",
        "cooking",
        "baking",
        1,
    ),
    (
        r"(sushi|washoku|ramen|gyoza|bento|dashi|tapas|paella|tortillas?|croquetas|tacos?|tamales|\bmole\b|pasta\b"
        r"|mezze|vietnam\w*|levant\w*|turkish|comal)",
        "cooking",
        "world-cuisine",
        1,
    ),
    (r"\b(wine|vino|wein|coffee|kaffee|barista|sommelier\w*|oenolog\w*)\b", "cooking", "wine", 1),
    (
        r"\b(code|coding|coders?|bootcamps?|tech|technology|software|developers?|programming|programacion"
        r"|programmier\w*|informatik|engineering)\b",
        "tech",
        None,
        1,
    ),
    (r"\b(python|javascript|java|rust|golang)\b", "tech", "programming", 1),
    (r"(web development|webentwicklung|desarrollo web|front-?end|\bweb\b|django|react)", "tech", "web-development", 1),
    (r"\b(data|machine learning|ai|analytics|sql)\b", "tech", "data-science", 1),
    (r"\b(ux|ui|figma|graphic design|user experience)\b", "tech", "design", 1),
    (r"\b(danc\w*|baile\w*|bailar|tanz\w*|danse\w*|danza|ballroom)", "dance", None, 1),
    (r"\b(salsa|bachata|merengue|kizomba)\b", "dance", "salsa", 1),
    (r"\b(ballet|ballett|barre)\b", "dance", "ballet", 1),
    (r"(hip ?hop|contemporary|contemporaneo|breakdanc\w*|choreograph\w*)", "dance", "contemporary", 1),
    (r"\b(flamenco|sevillanas?|swing|lindy|tap|charleston|savoy)\b", "dance", "dance", 1),
    (r"(music\w*|musica|musik\w*|musique|\bsound\b|conservator\w*)", "music", None, 1),
    (r"(guitar\w*|gitarre|guitare|ukulele)", "music", "guitar", 1),
    (r"(piano|klavier|keyboard)", "music", "piano", 1),
    (r"\b(sing|singing|singers?|voice|vocal|choir|canto|gesang|songwrit\w*)\b", "music", "singing", 1),
    (r"(music production|\bdj\b|ableton|beatmaking)", "music", "music", 1),
    (r"\b(arts?|arte|kunst|atelier|crafts?|artists?)\b", "arts", None, 1),
    (r"(pottery|ceramic\w*|ceramica|keramik|poterie|wheel|\bclay\b|hand.?building)", "arts", "pottery", 1),
    (r"(paint\w*|drawing|sketch\w*|watercolou?r|pintura|dibujo|\bmalen\b|dessin|peinture)", "arts", "painting", 1),
    (r"(photo\w*|fotograf\w*)", "arts", "photography", 1),
    (r"(calligraph\w*|caligraf\w*|kalligraf\w*)", "arts", "arts-crafts", 1),
    (r"\b(studios?|estudio)\b", "arts", None, 0.3),
    (r"(driv\w*|fahrschule|autoescuela|auto-ecole|\bauto\b|manejo|conducir|learner)", "driving", None, 1),
    (r"(motorcycl\w*|motorbike|\bmoto\b|motorrad)", "driving", "motorcycle", 1),
    (r"(theory test|dual-control|\bcars?\b)", "driving", "car-licence", 1),
    (r"\b(yoga|pilates)\b", "sports", "yoga", 1),
    (r"(climb\w*|boulder\w*|escalada|klettern|escalade)", "sports", "climbing", 1),
    (r"(swim\w*|natacion|schwimm\w*|natation)", "sports", "swimming", 1),
    (r"\b(sports?|fitness|gym)\b", "sports", None, 1),
    (r"\b(business|negocios|management|leadership|mba)\b", "business", None, 1),
    (r"(marketing|\bseo\b|social media)", "business", "marketing", 1),
    (r"(finance|financial|accounting|bookkeeping|invest\w*)", "business", "finance", 1),
    (r"(entrepreneur\w*|startups?|founders?|business plan)", "business", "entrepreneurship", 1),
    (r"\b(universit\w*|continuing|academy|academia|akademie|college|professionals?)\b", "business", None, 0.3),
    (r"\b(universit\w*|continuing|college)\b", "personal", None, 0.3),
    (r"\b(universit\w*|continuing|college)\b", "sports", None, 0.3),
    (r"(public speaking|presentations?|rhetori\w*|oratoria)", "personal", "public-speaking", 1),
    (r"(creative writing|writing|escritura|schreib\w*|ecriture|poetry|memoir)", "personal", "writing", 1),
    (r"(mindful\w*|meditat\w*|achtsamkeit|wellbeing|stress)", "personal", "mindfulness", 1),
    (r"\b(personal development|coaching|soft skills)\b", "personal", None, 1),
]
FIELD_WEIGHTS = (3.0, 2.0, 1.0)  # name, tagline, description
GROUP_SHARE = 0.3  # a group counts when it scores at least this share of the best group
POOL_MIN = 8  # widen a school's offer to neighbouring subcategories until it has this many templates
STOPWORDS = {"with", "from", "your", "for", "and", "the", "basics", "beginners", "course", "home", "first"}


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@dataclass
class SchoolPlan:
    school: School
    owner: Any
    locations: list[Location]
    instructors: list[Instructor]
    country: str
    currency: str
    timezone: str
    languages: list[str]  # teaching languages, the school's main one first
    pool: list[Template]


def fitting_templates(school: School, country: str, *, has_location: bool) -> list[Template]:
    """The templates that fit the school, the best fitting first."""
    fields = [_plain(school.name), _plain(school.tagline), _plain(school.description)]
    groups: dict[str, float] = {}
    specifics: dict[str, float] = {}
    for pattern, group, specific, weight in KEYWORDS:
        regex = re.compile(pattern)
        for text, field_weight in zip(fields, FIELD_WEIGHTS, strict=True):
            hits = len(regex.findall(text))
            if hits:
                groups[group] = groups.get(group, 0) + hits * weight * field_weight
                if specific:
                    specifics[specific] = specifics.get(specific, 0) + hits * weight * field_weight
    if not groups:
        chosen = list(GROUPS)  # nothing recognisable: a spread of everything
    else:
        best = max(groups.values())
        chosen = sorted((g for g, s in groups.items() if s >= GROUP_SHARE * best), key=lambda g: -groups[g])

    local = LANGUAGE_SUBS.get(COUNTRY_LANGUAGE.get(country, ""), "")
    taught = [LANGUAGE_SUBS[code] for code in school.languages_taught or [] if code in LANGUAGE_SUBS]
    first: list[str] = []  # subcategories the school names
    later: list[str] = []  # the rest of its groups, offered when it names too few
    for group in chosen:
        named = sorted((c for c in GROUPS[group] if c in specifics), key=lambda c: -specifics[c])
        if group == "languages":
            named = named or ([local] if local else taught[:1] or ["english"])
            rest = [*taught, local, "english", *GROUPS[group]]
        else:
            rest = GROUPS[group]
        generic = groups[group] - sum(specifics.get(c, 0) for c in GROUPS[group])
        if named and generic <= sum(specifics.get(c, 0) for c in named):
            first += named  # a specialist: what it names, the rest of the group only if it names too few
            later += [c for c in rest if c and c not in named]
        else:
            first += [c for c in [*named, *rest] if c]  # speaks of the group broadly: all of it
    order = list(dict.fromkeys(first))
    words = " ".join(fields)

    def fits(template: Template) -> bool:
        if template.countries and country not in template.countries:
            return False
        return has_location or ONLINE in template.modes

    def ranked(categories: list[str]) -> list[Template]:
        rank = {slug: i for i, slug in enumerate(categories)}
        found = [t for t in LIBRARY if t.category in rank and fits(t)]

        def echo(template: Template) -> int:  # title words the school's own text uses
            title_words = set(re.findall(r"[a-z]{4,}", _plain(template.title))) - STOPWORDS
            return sum(1 for word in title_words if word in words)

        return sorted(found, key=lambda t: (rank[t.category], -echo(t), LIBRARY.index(t)))

    pool = _spread(ranked(order))
    wider: list[str] = []
    for slug in dict.fromkeys(later):
        if len(pool) + len(ranked(wider)) >= POOL_MIN:
            break
        if slug not in order:
            wider.append(slug)
    return pool + _spread(ranked(wider))


def _spread(templates: list[Template]) -> list[Template]:
    """One of each subcategory in turn, best first, so a school's offer is varied."""
    by_category: dict[str, list[Template]] = {}
    for template in templates:
        by_category.setdefault(template.category, []).append(template)
    spread: list[Template] = []
    while any(by_category.values()):
        for queue in by_category.values():
            if queue:
                spread.append(queue.pop(0))
    return spread


# --- Money ------------------------------------------------------------------------------------------------

CURRENCIES = {
    "ES": "EUR", "DE": "EUR", "FR": "EUR", "IT": "EUR", "PT": "EUR", "AT": "EUR", "BE": "EUR", "IE": "EUR",
    "NL": "EUR", "US": "USD", "JP": "JPY", "EG": "EGP", "MX": "MXN", "AU": "AUD", "CA": "CAD", "GB": "GBP",
    "BR": "BRL",
}  # fmt: skip
# Euros → local money at the local price level (a course costs less in Cairo than in Paris), and the
# step prices are rounded to.
PRICE_SCALE: dict[str, tuple[Decimal, Decimal]] = {
    "EUR": (Decimal("1"), Decimal("5")),
    "USD": (Decimal("1.15"), Decimal("5")),
    "JPY": (Decimal("165"), Decimal("500")),
    "EGP": (Decimal("26"), Decimal("50")),
    "MXN": (Decimal("12"), Decimal("50")),
    "AUD": (Decimal("1.7"), Decimal("5")),
    "CAD": (Decimal("1.55"), Decimal("5")),
    "GBP": (Decimal("0.9"), Decimal("5")),
    "BRL": (Decimal("3.5"), Decimal("10")),
}
ZERO_DECIMAL_CURRENCIES = {"JPY"}


def currency_for(country: str) -> str:
    return CURRENCIES.get(country, "EUR")


def local_price(euros: float | int | Decimal, currency: str) -> Decimal:
    """A typical euro price in `currency`, rounded the way shops round it."""
    factor, step = PRICE_SCALE.get(currency, PRICE_SCALE["EUR"])
    if not euros:
        return Decimal("0")
    amount = Decimal(str(euros)) * factor
    rounded = max((amount / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step, step)
    if currency in ZERO_DECIMAL_CURRENCIES:
        return rounded.quantize(Decimal("1"))
    return rounded.quantize(Decimal("0.01"))


# --- Seeding ------------------------------------------------------------------------------------------------


def _plan(school: School, owner: Any) -> SchoolPlan:
    locations = sorted(school.locations.all(), key=lambda loc: loc.id)
    first = locations[0] if locations else None
    country = first.country if first else ""
    taught = [code for code in school.languages_taught or [] if code in TEACHING_LANGUAGES]
    languages = list(dict.fromkeys(taught or [school.default_language]))
    return SchoolPlan(
        school=school,
        owner=owner,
        locations=locations,
        instructors=[i for i in school.instructors.all() if i.is_active],
        country=country,
        currency=currency_for(country),
        timezone=first.timezone if first else (getattr(owner, "timezone", "") or "UTC"),
        languages=languages,
        pool=fitting_templates(school, country, has_location=bool(locations)),
    )


def quotas(capacities: list[int], target: int) -> list[int]:
    """Share `target` courses in proportion to the schools' offers (a broad school offers more)."""
    total = sum(capacities) or 1
    given = [min(cap, target * cap // total) for cap in capacities]
    remaining = target - sum(given)
    open_ = [i for i, cap in enumerate(capacities) if cap > 0]
    while remaining > 0 and open_:
        share = max(1, remaining // len(open_))
        for i in list(open_):
            give = min(share, capacities[i] - given[i], remaining)
            given[i] += give
            remaining -= give
            if given[i] >= capacities[i]:
                open_.remove(i)
            if remaining == 0:
                break
    return given


def seed() -> list[str]:
    from . import demo as category_demo

    category_demo.seed()  # idempotent; the courses need the tree whatever order the seeders run in
    categories = {c.slug: c for c in Category.objects.all()}
    owners: dict[int, Any] = {}
    for membership in Membership.objects.filter(role=Role.OWNER).select_related("user").order_by("created_at", "id"):
        owners.setdefault(membership.school_id, membership.user)
    schools = (
        School.objects.filter(id__in=owners)
        .order_by("slug")
        .prefetch_related(Prefetch("locations", queryset=Location.objects.prefetch_related("rooms")), "instructors")
    )
    plans = [_plan(school, owners[school.id]) for school in schools]
    # Keep one template in reserve for a draft wherever the offer allows.
    published = quotas([max(len(p.pool) - (1 if len(p.pool) > 4 else 0), 0) for p in plans], TARGET_PUBLISHED)
    now = timezone.now().replace(second=0, microsecond=0)
    created: list[str] = []
    for index, (plan, count) in enumerate(zip(plans, published, strict=True)):
        created += _seed_school(plan, count, archive=index % 3 == 0, now=now, categories=categories)
    return created


def _seed_school(
    plan: SchoolPlan, count: int, *, archive: bool, now: datetime, categories: dict[str, Category]
) -> list[str]:
    existing = set(Course.objects.filter(school=plan.school).values_list("title", flat=True))
    created: list[str] = []
    for position, template in enumerate(plan.pool):
        if position < count:
            status = CourseStatus.PUBLISHED
        elif position == count:
            status = CourseStatus.DRAFT
        elif position == count + 1 and archive:
            status = CourseStatus.ARCHIVED
        else:
            break
        if template.title in existing or template.category not in categories:
            continue
        rng = random.Random(f"{plan.school.slug}:{template.title}")
        course = _create_course(plan, template, rng, categories[template.category])
        created.append(course.slug)
        if status == CourseStatus.DRAFT:
            continue
        course = services.course_publish(actor=plan.owner, course=course)
        # Demo history: courses went live over the past months (the service stamps "now").
        published_at = now - timedelta(days=rng.randint(1, 240), minutes=rng.randint(0, 1440))
        Course.objects.filter(pk=course.pk).update(published_at=published_at, created_at=published_at)
        if status == CourseStatus.ARCHIVED:
            services.course_archive(actor=plan.owner, course=course)
            continue
        for language, title, summary in template.tr:
            if language != course.language:
                services.course_translation_save(
                    actor=plan.owner, course=course, language=language, title=title, summary=summary
                )
        _create_sessions(plan, template, course, rng, now)
    return created


def _create_course(plan: SchoolPlan, template: Template, rng: random.Random, category: Category) -> Course:
    modes = [m for m in template.modes if plan.locations or m == ONLINE]
    mode = modes[0]
    if len(modes) > 1 and rng.random() < 0.4:
        mode = rng.choice(modes[1:])
    teaching = template.teach or plan.languages[0]
    if not template.teach and len(plan.languages) > 1 and rng.random() < 0.25:
        teaching = plan.languages[1]
    low, high = template.group
    high = max(low, high + rng.choice([-2, 0, 0, 0, 2]))
    euros = template.price * rng.choice([0.9, 1, 1, 1, 1.1]) if template.price else 0
    if not template.price:
        policy = CancellationPolicy.FLEXIBLE
    elif template.meetings == 1:
        policy = rng.choice([CancellationPolicy.FLEXIBLE, CancellationPolicy.FLEXIBLE, CancellationPolicy.MODERATE])
    else:
        policy = rng.choice([CancellationPolicy.MODERATE, CancellationPolicy.MODERATE, CancellationPolicy.STRICT,
                             CancellationPolicy.FLEXIBLE])  # fmt: skip
    return services.course_create(
        actor=plan.owner,
        school=plan.school,
        skill_tags=list(template.skills),
        title=template.title,
        summary=template.summary,
        description=template.description,
        language="en",  # the library is written in English; translations add other languages
        category=category,
        level=template.level,
        teaching_language=teaching,
        delivery_mode=mode,
        duration_hours=Decimal(template.hours) * template.meetings,
        price=local_price(euros, plan.currency),
        currency=plan.currency,
        included=template.included,
        prerequisites=template.prerequisites,
        audience=template.audience,
        min_group_size=low,
        max_group_size=high,
        cancellation_policy=policy,
    )


EVENING_STARTS = [time(18, 0), time(18, 30), time(19, 0), time(19, 30)]
WEEKEND_STARTS = [time(10, 0), time(10, 30), time(11, 0), time(15, 0), time(16, 0)]


def _start_time(slot: str, hours: Decimal, weekend: bool, rng: random.Random) -> time:
    if weekend:
        return rng.choice(WEEKEND_STARTS[:2] if hours >= 5 else WEEKEND_STARTS)
    return rng.choice(EVENING_STARTS[:2] if hours >= 3 else EVENING_STARTS)


def _create_sessions(
    plan: SchoolPlan, template: Template, course: Course, rng: random.Random, now: datetime
) -> list[Session]:
    hours = Decimal(template.hours)
    span = 7 * (template.meetings - 1)
    first_day, last_day = 3, HORIZON_DAYS - 2 - span  # whole local days from today
    count = rng.choice([1, 2, 2, 3]) if template.meetings > 1 else rng.choice([2, 3, 3])
    width = (last_day - first_day + 1) // count
    sessions = []
    for k in range(count):
        online = course.delivery_mode == ONLINE or (course.delivery_mode == HYBRID and rng.random() < 0.4)
        location = None if online else rng.choice(plan.locations)
        tz = location.timezone if location else plan.timezone
        today = now.astimezone(_zone(tz)).date()
        weekend = template.slot == "weekend" or (template.slot == "any" and rng.random() < 0.5)
        weekday = rng.choice([5, 6] if weekend else [0, 1, 2, 3])
        offset = first_day + k * width + rng.randrange(max(width, 1))
        day = today + timedelta(days=offset)
        day += timedelta(days=(weekday - day.weekday()) % 7)
        if (day - today).days > last_day:
            day -= timedelta(days=7)
        start = _start_time(template.slot, hours, weekend, rng)
        meetings = []
        for week in range(template.meetings):
            begins = datetime.combine(day + timedelta(days=7 * week), start)
            meetings.append(MeetingInput(begins, begins + timedelta(minutes=int(hours * 60))))
        room, capacity = _room(location, course, rng)
        deadline = None
        if rng.random() < 0.25:
            deadline = datetime.combine(day - timedelta(days=2), time(20, 0))
        price_override = None
        if count > 1 and k == count - 1 and course.price and rng.random() < 0.35:
            price_override = local_price(
                course.price * Decimal("0.9") / PRICE_SCALE[course.currency][0], course.currency
            )
        data = SessionInput(
            timezone=tz,
            capacity=capacity,
            meetings=meetings,
            is_online=online,
            location=location,
            room=room,
            instructors=_instructors(plan, course, rng),
            price_override=price_override,
            booking_deadline_local=deadline,
            # Random demo plans may double-book; the owner's override is audited like a real one.
            conflict_override="Demo schedule",
        )
        sessions.append(services.session_create(actor=plan.owner, course=course, data=data))
    return sessions


def _zone(name: str) -> Any:
    from .timeutil import zone

    return zone(name)


def _room(location: Location | None, course: Course, rng: random.Random) -> tuple[Room | None, int]:
    if location is None:
        return None, course.max_group_size
    rooms = [r for r in location.rooms.all() if r.capacity >= course.min_group_size]
    if not rooms:
        return None, course.max_group_size
    # Prefer a room that fits the whole group; otherwise the room's size caps the session.
    fitting = [r for r in rooms if r.capacity >= course.max_group_size] or rooms
    room = rng.choice(fitting)
    return room, min(course.max_group_size, room.capacity)


def _instructors(plan: SchoolPlan, course: Course, rng: random.Random) -> tuple[Instructor, ...]:
    if not plan.instructors:
        return ()
    speaking = [i for i in plan.instructors if course.teaching_language in (i.languages or [])] or plan.instructors
    how_many = 2 if len(speaking) > 1 and rng.random() < 0.25 else 1
    return tuple(rng.sample(speaking, how_many))


def school_offers() -> dict[str, list[str]]:
    """Which templates each school would get (for checking the mapping by eye)."""
    owners = {m.school_id: m.user for m in Membership.objects.filter(role=Role.OWNER).select_related("user")}
    result = {}
    for school in School.objects.filter(id__in=owners).order_by("slug").prefetch_related("locations"):
        plan = _plan(school, owners[school.id])
        result[school.slug] = [f"{t.category}: {t.title}" for t in plan.pool]
    return result
