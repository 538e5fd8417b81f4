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

import math
import random
import re
import textwrap
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
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
        BEGINNER, 8, "2", 220, ("Spanish", "Conversation", "Listening comprehension"),
        modes=(IN_PERSON, HYBRID), group=(3, 10), teach="es",
        tr=(
            ("es", "Español desde cero (A1)",
             "Tus primeros pasos en español: preséntate, pide en un bar, pregunta el camino y entiende la respuesta."),
            ("fr", "L'espagnol en partant de zéro (A1)",
             "Vos premiers pas en espagnol : vous présenter, commander, demander votre chemin et comprendre."),
            ("ar", "الإسبانية من الصفر (A1)",
             "خطواتك الأولى في الإسبانية: قدّم نفسك، واطلب طعامك، واسأل عن الطريق وافهم الإجابة."),
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
        INTERMEDIATE, 6, "2", 150, ("Spanish", "Conversation", "Fluency"),
        modes=(IN_PERSON, ONLINE, HYBRID), group=(4, 8), teach="es",
        tr=(
            ("es", "Club de conversación en español (B1–B2)",
             "Dos horas de conversación real cada semana sobre la actualidad, el cine y la vida diaria."),
            ("de", "Spanisch-Konversationsclub (B1–B2)",
             "Zwei Stunden echte Unterhaltung pro Woche über Nachrichten, Filme und Alltag."),
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
        UPPER, 8, "2.5", 320, ("Spanish", "DELE", "Exam preparation", "Academic writing"),
        modes=(IN_PERSON, HYBRID), group=(3, 10), teach="es",
        tr=(("es", "Preparación del DELE B2",
             "Entrena las cuatro pruebas del DELE B2 con exámenes reales, simulacros y la corrección de un "
             "examinador."),),
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
        ELEMENTARY, 8, "1.5", 180, ("English", "Conversation", "Pronunciation"),
        modes=(IN_PERSON, ONLINE), group=(4, 10), teach="en",
        tr=(
            ("es", "Inglés para el día a día (A2)",
             "El inglés que necesitas para el trabajo, las tiendas, el médico y las conversaciones cotidianas."),
            ("ar", "الإنجليزية للحياة اليومية (A2)",
             "تعلّم الإنجليزية التي تحتاجها في العمل والتسوق وعند الطبيب وفي الأحاديث اليومية، ضمن مجموعة صغيرة."),
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
        UPPER, 6, "2", 280, ("English", "Business English", "Negotiation", "Email writing"),
        modes=(IN_PERSON, ONLINE, HYBRID), group=(3, 8), teach="en",
        tr=(("de", "Business English: Meetings, Telefonate und E-Mails (B2)",
             "Meetings leiten, verhandeln und klare E-Mails schreiben – mit Rollenspielen aus Ihrem Berufsalltag."),),
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
        UPPER, 8, "2", 350, ("English", "IELTS", "Exam preparation", "Academic writing"),
        modes=(IN_PERSON, ONLINE), group=(3, 10), teach="en",
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
        BEGINNER, 8, "2", 240, ("German", "Grammar", "Conversation"),
        modes=(IN_PERSON, HYBRID), group=(4, 12), teach="de",
        tr=(
            ("de", "Deutsch für Anfänger (A1.1)",
             "Starten Sie mit Deutsch: Begrüßungen, Zahlen, Einkaufen und Ihre ersten Gespräche."),
            ("ar", "الألمانية للمبتدئين (A1.1)",
             "ابدأ تعلّم الألمانية بثقة: التحيات والأرقام والتسوق وأولى محادثاتك."),
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
        INTERMEDIATE, 8, "2", 260, ("German", "Conversation", "Presentations"),
        modes=(IN_PERSON, ONLINE, HYBRID), group=(4, 10), teach="de",
        tr=(("de", "Deutsch B1: sicher sprechen",
             "Vom Verstehen zum Sprechen: Diskussionen, Präsentationen und viel Feedback."),),
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
        UPPER, 6, "3", 340, ("German", "Goethe-Zertifikat", "Exam preparation"),
        modes=(IN_PERSON, HYBRID), group=(3, 10), slot="weekend", teach="de",
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
        BEGINNER, 8, "2", 230, ("French", "Conversation", "Pronunciation"),
        modes=(IN_PERSON, ONLINE, HYBRID), group=(4, 12), teach="fr",
        tr=(
            ("fr", "Français pour débutants (A1)",
             "Saluer, se présenter, commander et se débrouiller en français, dans un cours chaleureux et vivant."),
            ("es", "Francés para principiantes (A1)",
             "Aprende a saludar, presentarte, pedir en un café y moverte en francés."),
            ("ar", "الفرنسية للمبتدئين (A1)",
             "تعلّم التحية والتعريف بنفسك والطلب في المقهى والتنقل بالفرنسية في صف حيوي ودافئ."),
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
        INTERMEDIATE, 6, "2", 170, ("French", "Conversation", "Fluency"),
        modes=(IN_PERSON, ONLINE), group=(4, 10), teach="fr",
        tr=(("fr", "Conversation : café et culture (B1)",
             "Parler de livres, de films, de cuisine et d'actualité, un soir par semaine comme au café."),),
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
        UPPER, 8, "2.5", 330, ("French", "DELF", "Exam preparation"),
        modes=(IN_PERSON, HYBRID), group=(3, 12), slot="weekend", teach="fr",
        tr=(("fr", "Préparation au DELF B2",
             "Une méthode pour chaque épreuve du DELF B2 et des examens blancs corrigés par un examinateur."),),
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
        BEGINNER, 8, "2", 240, ("Japanese", "Hiragana", "Katakana", "Conversation"),
        modes=(IN_PERSON, ONLINE, HYBRID), group=(3, 10), teach="ja",
        tr=(
            ("es", "Japonés para principiantes: del hiragana a las primeras conversaciones",
             "Lee y escribe hiragana y katakana y mantén conversaciones sencillas sobre ti."),
            ("fr", "Japonais pour grands débutants : des hiragana aux premières conversations",
             "Lire et écrire les hiragana et katakana et tenir des conversations simples."),
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
        ELEMENTARY, 8, "2", 260, ("Japanese", "Kanji", "Grammar", "JLPT"),
        modes=(IN_PERSON, ONLINE), group=(3, 10), teach="ja",
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
        INTERMEDIATE, 8, "2.5", 320, ("Japanese", "JLPT", "Kanji", "Exam preparation"),
        modes=(IN_PERSON, ONLINE), group=(3, 12), slot="weekend", teach="ja",
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
        BEGINNER, 8, "2", 160, ("Arabic", "Egyptian Arabic", "Conversation"),
        modes=(IN_PERSON, ONLINE, HYBRID), group=(3, 10), teach="ar",
        tr=(
            ("ar", "العامية المصرية للمبتدئين",
             "تكلّم عربية شوارع القاهرة: التحيات والفصال والسؤال عن الطريق والأحاديث القصيرة."),
            ("fr", "Arabe égyptien pour débutants",
             "Parler l'arabe des rues du Caire : salutations, marchandage, directions et petites conversations."),
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
        BEGINNER, 8, "2", 180, ("Arabic", "Modern Standard Arabic", "Reading", "Writing"),
        modes=(IN_PERSON, ONLINE), group=(3, 10), teach="ar",
        tr=(("ar", "العربية الفصحى: القراءة والكتابة",
             "تعلّم الحروف العربية واقرأ نصوصك الأولى واكتب جملاً بسيطة بالعربية الفصحى."),),
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
        INTERMEDIATE, 6, "2", 170, ("Arabic", "Conversation", "Egyptian Arabic"),
        modes=(IN_PERSON, ONLINE), group=(3, 8), teach="ar",
    ),
]
