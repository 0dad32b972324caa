"""A deterministic generator of fictional product entries for the benchmarks.

``generate(n)`` returns ``(suppliers, entries)``: about ``n / 20`` supplier
organisations and ``n`` product entries that pass ``ProductEntrySchema`` inside a
running register (answers keyed by the installed evaluators' question ids).
Entry ``i`` depends only on the seed and ``i`` (plus name de-duplication), so the
same command always yields the same data.

Entries are composed from phrase pools per *archetype* (lesson planning,
marking, reports, attendance, SEND paperwork, tutoring, phonics, EAL, …), so
full-text search sees realistic term distributions, and the classifier sees
honest workflow / teaching & learning wording. Phases, key stages and ages are
drawn as consistent sets; intended users agree with pupil interaction. Answers
come from a good (35%), mediocre (45%) or worrying (20%) profile.

    /work/venv/bin/python bench/generate.py --products 10000 [--out entries.jsonl] [--check]

prints one JSON line of figures (and, with ``--out``, writes the suppliers as the
first line ``{"suppliers": [...]}`` and then one entry per line). ``--check``
validates every entry with ``ProductEntrySchema`` inside an app context.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

SEED = 20261105

# --- names ---------------------------------------------------------------------------------------

BRAND_A = (
    "Quill", "Cobble", "Kestrel", "Lark", "Heron", "Bramble", "Thistle", "Willow", "Fern", "Oak", "Ash", "Rowan",
    "Hazel", "Linden", "Marsh", "Moss", "Pebble", "Brook", "Cinder", "Ember", "Flint", "Gorse", "Heather", "Ivy",
    "Juniper", "Kite", "Lantern", "Maple", "Nettle", "Orchard", "Plover", "Quarry", "Robin", "Sparrow", "Tansy",
    "Umber", "Vale", "Wren", "Yarrow", "Alder", "Beacon", "Copper", "Dale", "Elder", "Finch", "Glen", "Harbour",
    "Inkwell", "Jasper", "Keystone", "Lodestar", "Meadow", "North", "Otter", "Puffin", "Ridge", "Slate", "Tern",
    "Upland", "Velvet", "Weald", "Bright", "Clever", "Tall", "Little", "Open", "True", "Clear", "Kind", "Swift",
)
BRAND_B = (
    "feather", "market", "wood", "field", "brook", "stone", "gate", "moor", "well", "path", "light", "spring",
    "bank", "mill", "ford", "bridge", "hill", "side", "wick", "fold", "leaf", "wing", "crest", "haven", "worth",
    "lane", "shore", "bourne", "croft", "mere",
)
SUPPLIER_KIND = (
    "Learning Ltd", "Education Ltd", "EdTech Ltd", "School Systems Ltd", "Software Ltd", "Labs Ltd", "Digital CIC",
    "Classroom Tools Ltd", "Learning Technologies Ltd", "Education Services Ltd",
)
NAME_VARIANTS = ("Plus", "Pro", "for Schools", "Classroom", "Trust Edition", "Lite", "Studio", "Live", "Go", "One")

# --- vocabulary fragments --------------------------------------------------------------------------

SUBJECTS = (
    "English", "maths", "science", "history", "geography", "computing", "art and design", "music", "religious education",
    "French", "Spanish", "German", "design and technology", "physical education", "PSHE", "biology", "chemistry", "physics",
)
MODELS = (  # (model as the supplier names it, age_ai_provider answer)
    ("GPT-4o via Azure OpenAI", "azure_openai"),
    ("GPT-4o mini via Azure OpenAI", "azure_openai"),
    ("GPT-4.1 via the OpenAI API", "openai_api"),
    ("Gemini 1.5 Flash via Google Workspace for Education", "google_gemini_education"),
    ("Claude 3.5 Sonnet via the Anthropic API", "anthropic_api"),
    ("Llama 3.1 8B self-hosted", "open_weights_self_hosted"),
    ("Mistral 7B self-hosted", "open_weights_self_hosted"),
    ("In-house speech recognition model", "own_model"),
    ("Microsoft 365 Copilot for education", "microsoft_365_copilot_education"),
)
WORRYING_MODELS = (("ChatGPT consumer accounts", "openai_chatgpt_consumer"), ("Gemini consumer app", "google_gemini_consumer"))

# Phase sets with their key stages and age ranges, all consistent with the schema's cross-field rules.
PHASE_SETS = {
    "early": [
        (("early_years",), ("eyfs",), (2, 5)),
        (("early_years", "primary"), ("eyfs", "ks1"), (3, 7)),
        (("early_years", "primary"), ("eyfs", "ks1", "ks2"), (3, 11)),
    ],
    "primary": [
        (("primary",), ("ks1", "ks2"), (5, 11)),
        (("primary",), ("ks2",), (7, 11)),
        (("primary",), ("eyfs", "ks1", "ks2"), (4, 11)),
        (("primary", "special"), ("ks1", "ks2"), (5, 11)),
        (("primary", "secondary"), ("ks2", "ks3"), (7, 14)),
    ],
    "secondary": [
        (("secondary",), ("ks3", "ks4"), (11, 16)),
        (("secondary", "sixth_form"), ("ks3", "ks4", "ks5"), (11, 18)),
        (("secondary",), ("ks4",), (14, 16)),
        (("sixth_form",), ("ks5",), (16, 19)),
        (("secondary", "alternative_provision"), ("ks3", "ks4"), (11, 16)),
        (("secondary", "special"), ("ks3", "ks4", "ks5"), (11, 19)),
    ],
    "all": [
        (("primary", "secondary"), ("ks1", "ks2", "ks3", "ks4"), (5, 16)),
        (("early_years", "primary", "secondary", "sixth_form"), ("eyfs", "ks1", "ks2", "ks3", "ks4", "ks5"), (3, 19)),
        (("primary", "secondary", "sixth_form"), ("ks1", "ks2", "ks3", "ks4", "ks5"), (5, 18)),
        (("special",), ("ks1", "ks2", "ks3", "ks4"), (5, 19)),
        (("special", "alternative_provision"), ("ks2", "ks3", "ks4"), (7, 16)),
    ],
}
PHASE_WORDS = {
    "early_years": "nurseries and early years settings", "primary": "primary schools", "secondary": "secondary schools",
    "sixth_form": "sixth forms and colleges", "special": "special schools", "alternative_provision": "alternative provision",
}

GENERAL_DESCRIPTION = (
    "It works with the single sign-on schools already use and takes class lists from the MIS overnight.",
    "Multi-academy trusts can share templates and settings across all their schools from one admin console.",
    "It was developed with teachers in partner schools across {region} and is updated every half term.",
    "Pricing is per school, with a discount for trusts that sign up together.",
    "Exports go to documents, slides and the common cloud storage used by schools.",
    "Support is by email and phone during school hours, with a knowledge base for staff.",
    "The supplier publishes release notes and a short impact summary each term.",
    "Heads of department can see coverage across a year group at a glance.",
    "Everything is designed around the National Curriculum and the school's own scheme of work.",
    "The interface is available in English and Welsh.",
    "Training for staff is a thirty-minute video course and a termly live webinar.",
    "It runs in a web browser on laptops, Chromebooks and tablets with no installation.",
    "Data can be exported at any time in open formats, and a school can close its account without notice periods.",
    "Schools in {region} have used it since {year}.",
    "A trust dashboard summarises usage across schools for digital leads.",
)
REGIONS = ("Yorkshire", "the North West", "the Midlands", "London", "the South West", "the North East", "East Anglia", "Kent", "Cumbria", "the Thames Valley")

GENERAL_AI = (
    "Every AI draft is clearly labelled as AI-generated until a member of staff has edited it.",
    "No pupil personal data is needed, and the prompt box warns staff not to enter pupils' names.",
    "Prompts and outputs are kept for the school's safeguarding review and then deleted.",
    "The model is not trained on anything schools enter.",
    "Answers cite the curriculum statement or source text they are based on.",
    "A moderation layer checks every request and every response before it is shown.",
    "Usage is logged so the designated safeguarding lead can review it.",
)

# Archetypes: the kinds of product on the register, with the wording schools and suppliers use for each.
# kind: "workflow" (staff use the AI) or "tl" (pupils use the AI). ages: key into PHASE_SETS (weights).
ARCHETYPES: dict[str, dict[str, Any]] = {
    "planning": {
        "kind": "workflow", "weight": 9, "ages": {"primary": 3, "secondary": 3, "all": 3},
        "nouns": ("Lesson Studio", "Lesson Planner", "Planning Assistant", "Unit Builder", "Scheme Designer", "Plan Drafter"),
        "users": (("teachers",), ("teachers", "leaders")),
        "summary": (
            "Lesson planning assistant that drafts sequenced lesson plans, starters and plenaries from your scheme of work for teachers to edit.",
            "Helps teachers plan {subject} units and lessons faster, with objectives, activities and resources linked to the curriculum.",
            "Drafts medium-term plans and lesson plans for {phase_words}, saving teachers hours of planning each week.",
        ),
        "description": (
            "{name} is a planning workspace for classroom teachers in {phase_words}.",
            "Teachers choose a unit and a lesson, and the planner produces a draft with learning objectives, a retrieval starter, worked examples and a plenary.",
            "Plans are stored in a shared department library so that colleagues can reuse and adapt each other's lesson plans.",
            "Early career teachers can ask for a plan annotated with the reasoning behind each phase of the lesson.",
            "Departments can set house rules the planner follows in every draft, such as a misconception check in every {subject} lesson.",
            "It maps each lesson to the scheme of work and shows gaps in curriculum coverage.",
            "Teachers report saving two to three hours of planning time a week.",
        ),
        "ai": (
            "A large language model drafts lesson plans, explanations, worked examples and questions for teachers.",
            "Teachers type a topic and year group; the AI drafts a lesson plan that the teacher reviews and edits before use.",
            "The AI is grounded in the scheme of work the school uploads and cites the curriculum statement each lesson addresses.",
            "Only teachers and leaders see the AI output; nothing is sent to pupils.",
        ),
    },
    "resources": {
        "kind": "workflow", "weight": 7, "ages": {"primary": 3, "secondary": 3, "all": 2},
        "nouns": ("Resource Maker", "Worksheet Generator", "Quiz Builder", "Slide Drafter", "Question Bank", "Retrieval Studio"),
        "users": (("teachers",), ("teachers", "send_specialists")),
        "summary": (
            "Generates differentiated worksheets, quizzes and slides for {subject} that teachers check before sharing with classes.",
            "Creates retrieval practice questions, exit tickets and question banks from any text, for teachers to review.",
            "Turns a topic into editable teaching resources in minutes: worksheets, knowledge organisers and slides.",
        ),
        "description": (
            "{name} helps teachers in {phase_words} create resources for {subject} and other subjects.",
            "It produces worksheets at three levels of challenge, with answers and a mark scheme for the teacher.",
            "Teachers can paste in a text and get comprehension questions, vocabulary lists and a knowledge organiser.",
            "Resources export to slides and documents and can be shared across a trust.",
            "A library of teacher-made resources lets staff start from something tried in a real classroom.",
            "Differentiation options include larger print, simplified wording and scaffolded versions for pupils with SEND.",
        ),
        "ai": (
            "The AI generates quizzes, questions and activities for teachers, who review and edit them before sharing with pupils.",
            "Teachers upload their own materials and the AI drafts differentiated worksheets from them.",
            "Pupils do not use the AI; they only see resources after a teacher has approved them.",
            "Generated questions cite the source text so teachers can check accuracy.",
        ),
    },
    "marking": {
        "kind": "workflow", "weight": 7, "ages": {"primary": 2, "secondary": 4, "all": 1},
        "nouns": ("Marking Assistant", "Feedback Studio", "Essay Marker", "Moderation Desk", "Mark Scheme Helper"),
        "users": (("teachers",), ("teachers", "leaders")),
        "summary": (
            "Helps teachers mark extended writing against the mark scheme and draft feedback comments they edit before returning work.",
            "Marking and moderation assistant for {subject} coursework, suggesting marks and feedback for the teacher to confirm.",
            "Speeds up marking of mock exams with suggested marks, whole-class feedback and moderation reports.",
        ),
        "description": (
            "{name} is a marking assistant for teachers in {phase_words}.",
            "Teachers upload scanned scripts or typed work, and the assistant suggests a mark against the mark scheme with reasons.",
            "Whole-class feedback sheets summarise common misconceptions for the next lesson.",
            "Moderation reports compare teachers' marks across a department to support consistent grading.",
            "Feedback comments are written in the school's own marking policy style.",
            "Teachers say marking a set of thirty essays takes about half as long.",
        ),
        "ai": (
            "The AI suggests marks and drafts feedback comments; the teacher reviews and edits every mark before it is shared with pupils.",
            "A language model reads pupils' work and compares it with the mark scheme, highlighting evidence for each mark.",
            "Only teachers see the AI's suggestions; marks are never sent directly to pupils.",
            "Pupils' names are removed before work is processed.",
        ),
    },
    "reports": {
        "kind": "workflow", "weight": 5, "ages": {"primary": 3, "secondary": 3, "all": 2},
        "nouns": ("Report Writer", "Report Comments", "Parent Report Studio", "Reports Assistant"),
        "users": (("teachers",), ("teachers", "leaders")),
        "summary": (
            "Drafts end-of-year reports to parents from teachers' notes and assessment data, in the school's own style.",
            "Writes personalised report comments for each pupil from a few bullet points, for teachers to check and edit.",
            "Saves teachers time on school reports: drafts clear, kind comments that teachers review before sending home.",
        ),
        "description": (
            "{name} helps teachers in {phase_words} write school reports.",
            "Teachers jot a few notes per pupil and pick attainment and effort grades from the MIS.",
            "The assistant drafts a report comment in the school's tone, which teachers edit before it goes to parents.",
            "Leaders can check consistency of reports across a year group and flag comments that need another look.",
            "Reports can be translated for parents who speak other home languages.",
        ),
        "ai": (
            "A language model drafts report comments for teachers from their notes; teachers review and approve every comment before reports are sent.",
            "Only staff use the AI; parents receive the report only after a teacher has approved it.",
            "Pupil data is limited to first names, grades and the teacher's notes.",
        ),
    },
    "admin": {
        "kind": "workflow", "weight": 6, "ages": {"all": 4, "primary": 1, "secondary": 1},
        "nouns": ("Letter Drafter", "Parent Messenger", "Office Assistant", "Policy Drafter", "Timetable Solver", "Cover Planner"),
        "users": (("admin_staff",), ("admin_staff", "leaders"), ("admin_staff", "leaders", "teachers")),
        "summary": (
            "Drafts letters, emails and newsletters to parents for school office staff, in plain English and in the school's style.",
            "Builds and repairs timetables and cover arrangements, letting staff describe constraints in plain English.",
            "An admin assistant for school offices: drafts parent messages, minutes, risk assessments and policies.",
        ),
        "description": (
            "{name} is an admin assistant for school offices and business managers.",
            "Staff draft letters and emails to parents, newsletters and meeting minutes in a few clicks.",
            "Policies are kept up to date against statutory guidance with tracked changes for governors.",
            "Timetablers describe constraints in plain English and the solver proposes timetables and cover arrangements.",
            "Risk assessments for trips start from a template and the school's previous assessments.",
            "Parent communication can be translated into home languages before it is sent.",
        ),
        "ai": (
            "Office staff type a request and the AI drafts a letter or email that staff edit before sending.",
            "A language model turns constraints typed by timetablers into formal rules, which staff confirm before they are applied.",
            "Only staff use the AI; no pupil data passes through the language model.",
        ),
    },
    "data": {
        "kind": "workflow", "weight": 5, "ages": {"all": 4, "secondary": 1, "primary": 1},
        "nouns": ("Attendance Insight", "Data Dashboard", "Attainment Tracker", "Insight Hub", "Early Warning"),
        "users": (("leaders",), ("leaders", "teachers"), ("leaders", "admin_staff")),
        "summary": (
            "Attendance analytics for schools and trusts: spots patterns of persistent absence early and drafts letters for attendance officers.",
            "Turns MIS data into dashboards on attendance, attainment and behaviour trends for leaders and governors.",
            "Flags pupils at risk of falling behind from attendance and assessment data, for pastoral leads to follow up.",
        ),
        "description": (
            "{name} brings together attendance, attainment and behaviour data from the MIS.",
            "Dashboards show trends by year group, class and pupil group for leaders and trust boards.",
            "Attendance officers get a weekly list of pupils whose attendance is slipping, with the pattern explained.",
            "Leaders can compare schools across a trust and export charts for governors.",
            "Data analysis runs overnight so dashboards are ready each morning.",
        ),
        "ai": (
            "A model predicts attendance risk from past patterns; pastoral staff review every flag before acting.",
            "The AI writes a plain-English summary of data trends for leaders, who check it against the dashboards.",
            "Only staff see predictions; pupils and parents are never shown a risk score.",
        ),
    },
    "send_admin": {
        "kind": "workflow", "weight": 4, "ages": {"all": 3, "primary": 1, "secondary": 1},
        "nouns": ("EHCP Assistant", "Provision Mapper", "Support Plan Writer", "SEND Planner", "One Page Profiles"),
        "users": (("send_specialists",), ("send_specialists", "teachers"), ("send_specialists", "teachers", "leaders")),
        "summary": (
            "Helps SENCOs draft EHCP contributions, support plans and one-page profiles from meeting notes.",
            "Provision mapping and SEND paperwork assistant for SENCOs, saving hours on annual reviews.",
            "Drafts individual education plans and provision maps for pupils with SEND, for SENCOs to check.",
        ),
        "description": (
            "{name} supports SENCOs in {phase_words} with the paperwork of SEND provision.",
            "Notes from annual reviews become draft EHCP contributions in the local authority's format.",
            "Provision maps show interventions, costs and impact across the school.",
            "One-page profiles are drafted from conversations with pupils and families.",
            "Teachers see each pupil's support plan and strategies in one place.",
        ),
        "ai": (
            "The AI drafts support plans and EHCP sections for SENCOs, who edit and approve them before sharing with families.",
            "Only staff use the AI; pupils never interact with it.",
            "Special-category data is minimised and never used to train models.",
        ),
    },
    "leadership": {
        "kind": "workflow", "weight": 3, "ages": {"all": 5},
        "nouns": ("Governance Assistant", "Improvement Planner", "Board Papers", "Self-Evaluation Studio"),
        "users": (("leaders",),),
        "summary": (
            "Helps school leaders and governors write self-evaluation, improvement plans and board papers from school data.",
            "A governance assistant for trust boards: summarises papers, drafts minutes and tracks actions.",
        ),
        "description": (
            "{name} supports headteachers, trust leaders and governors.",
            "Self-evaluation forms and school improvement plans are drafted from the school's own data and notes.",
            "Board papers are summarised with questions governors might ask.",
            "Actions from meetings are tracked through to completion.",
        ),
        "ai": (
            "Leaders upload documents and the AI drafts summaries and plans that they edit before use.",
            "Only staff use the AI; no pupil-level data is processed.",
        ),
    },
    "tutor": {
        "kind": "tl", "weight": 7, "ages": {"primary": 2, "secondary": 4},
        "nouns": ("Maths Tutor", "Homework Helper", "Study Coach", "Revision Buddy", "Science Tutor"),
        "summary": (
            "An AI tutor that helps pupils with {subject} homework using hints and questions rather than giving answers.",
            "Step-by-step help for pupils working through {subject} problems, with teachers able to see every conversation.",
            "A Socratic tutor for revision: pupils ask questions and get hints, explanations and practice.",
        ),
        "description": (
            "{name} is a tutoring tool for pupils in {phase_words}.",
            "Pupils work through {subject} questions set by their teacher and can ask the tutor for help at any step.",
            "Teachers see each conversation and a summary of common misconceptions in the class.",
            "The tutor uses the school's own scheme of work so explanations match what is taught in lessons.",
            "Homework help is available in the evening, with usage limits the school sets.",
        ),
        "ai": (
            "Pupils chat with the AI tutor, which gives hints and asks questions before explaining a step.",
            "The tutor explains mistakes to pupils and suggests the next question to try.",
            "Teachers can read every conversation, and the designated safeguarding lead is alerted to concerning messages.",
            "The AI never says it is a person and reminds pupils to ask their teacher when unsure.",
        ),
    },
    "practice": {
        "kind": "tl", "weight": 5, "ages": {"primary": 4, "secondary": 2},
        "nouns": ("Practice Engine", "Mastery Path", "Times Tables Trainer", "Adaptive Practice", "Fluency Builder"),
        "summary": (
            "Adaptive practice for {subject}: the next question adjusts to each pupil, with instant feedback and teacher reports.",
            "Personalised practice sets and spaced repetition for pupils, tailored by AI to what each pupil needs next.",
        ),
        "description": (
            "{name} gives pupils in {phase_words} short daily practice in {subject}.",
            "Questions adapt to each pupil's answers so practice stays challenging but achievable.",
            "Teachers see a class heatmap of mastery and which pupils need support.",
            "Spaced repetition brings back earlier topics at the right time.",
        ),
        "ai": (
            "An adaptive model chooses each pupil's next question from their previous answers.",
            "Pupils get instant feedback on each answer, with a worked example when they are stuck.",
            "Teachers set the topics and can override the AI's choices for any pupil.",
        ),
    },
    "reading": {
        "kind": "tl", "weight": 6, "ages": {"early": 3, "primary": 4},
        "nouns": ("Phonics Buddy", "Reading Coach", "Read Aloud", "Comprehension Lab", "Story Reader"),
        "summary": (
            "Pupils read aloud to an AI reading coach that listens, helps with decoding and builds reading fluency.",
            "Phonics practice for early readers: the AI listens to each child read and gives gentle help with tricky words.",
            "Reading comprehension practice with questions matched to each pupil's reading age.",
        ),
        "description": (
            "{name} supports early reading in {phase_words}.",
            "Children read decodable books aloud and the coach listens, highlighting words to practise.",
            "Phonics progress follows the school's validated systematic synthetic phonics programme.",
            "Teachers see reading fluency, accuracy and comprehension for every pupil.",
            "Reading at home is supported with a parent view of books read.",
        ),
        "ai": (
            "Speech recognition listens as pupils read aloud and the AI helps them decode tricky words.",
            "The AI asks pupils comprehension questions about the book and gives feedback to the pupil.",
            "Adults supervise reading sessions, and recordings are deleted after analysis.",
        ),
    },
    "writing": {
        "kind": "tl", "weight": 4, "ages": {"primary": 3, "secondary": 2},
        "nouns": ("Writing Coach", "Spelling Trainer", "Sentence Builder", "Draft Buddy"),
        "summary": (
            "A writing coach for pupils: feedback on drafts, sentence starters and spelling help without writing it for them.",
            "Helps pupils improve their writing with questions and suggestions, while teachers see every draft.",
        ),
        "description": (
            "{name} helps pupils in {phase_words} plan, draft and improve their writing.",
            "Sentence starters and word banks support pupils who find it hard to begin.",
            "Spelling practice uses each pupil's own mistakes.",
            "Teachers see drafts, the AI's suggestions and how pupils responded.",
        ),
        "ai": (
            "Pupils type their writing and the AI gives feedback to the pupil on structure and spelling, without rewriting it.",
            "The AI asks questions to help pupils improve their writing and never writes whole answers.",
            "Teachers can see all feedback and adjust the level of support per pupil.",
        ),
    },
    "eal": {
        "kind": "tl", "weight": 4, "ages": {"primary": 2, "secondary": 2, "all": 2},
        "nouns": ("EAL Companion", "Language Lab", "Pronunciation Coach", "New Arrivals Helper", "Word Bridge"),
        "summary": (
            "Supports pupils learning English as an additional language with speaking practice, translation and vocabulary.",
            "Helps new arrivals with EAL follow lessons, with key vocabulary in their home language and speaking practice.",
            "Language learning for MFL and EAL: pronunciation feedback and conversation practice with an AI partner.",
        ),
        "description": (
            "{name} supports EAL learners and modern foreign languages teaching in {phase_words}.",
            "Pupils practise speaking and get pronunciation feedback.",
            "Key vocabulary for each {subject} lesson is available in more than forty home languages.",
            "EAL coordinators track progress through the stages of English proficiency.",
        ),
        "ai": (
            "Pupils talk to an AI conversation partner that responds to each pupil at their level of English.",
            "Speech recognition gives pupils pronunciation feedback.",
            "Teachers set topics and can review conversations.",
        ),
    },
    "access": {
        "kind": "tl", "weight": 3, "ages": {"all": 4, "primary": 1},
        "nouns": ("Text-to-Speech Reader", "Symbol Communicator", "Dyslexia Helper", "Access Toolkit", "AAC Board"),
        "users": (("pupils", "teachers", "send_specialists"),),
        "summary": (
            "Assistive technology for pupils with SEND: text-to-speech, speech-to-text and simplified text for dyslexic readers.",
            "Symbol-supported communication and AAC for pupils with communication needs, with AI predicting the next symbol.",
        ),
        "description": (
            "{name} helps pupils with SEND access the curriculum in {phase_words}.",
            "Text-to-speech reads any text aloud, and speech-to-text lets pupils dictate their work.",
            "Dyslexia-friendly fonts, colours and spacing can be set per pupil.",
            "Symbols support pupils who use augmentative and alternative communication.",
        ),
        "ai": (
            "The AI simplifies text for pupils and reads it aloud, adapting to each pupil's reading level.",
            "A model predicts the next symbol or word a pupil may want, which the pupil chooses.",
            "SEND specialists set up each pupil's profile and review usage.",
        ),
    },
    "creative": {
        "kind": "tl", "weight": 3, "ages": {"primary": 2, "secondary": 3},
        "nouns": ("Story Maker", "Art Studio", "Comic Creator", "Music Maker"),
        "summary": (
            "Pupils create their own stories, comics and pictures with an AI that suggests ideas and images, within school-safe limits.",
            "A creative studio where pupils compose music and artwork with AI help, moderated for school use.",
        ),
        "description": (
            "{name} is a creative tool for pupils in {phase_words}.",
            "Pupils write their own stories and illustrate them with generated pictures.",
            "Teachers set themes and review everything before it is shared with the class.",
        ),
        "ai": (
            "Pupils can generate images and story ideas with the AI, which filters every prompt.",
            "An image model creates pictures from pupils' descriptions; realistic images of real people are refused.",
        ),
    },
    "literacy": {
        "kind": "tl", "weight": 2, "ages": {"secondary": 4, "primary": 1},
        "nouns": ("AI Explorer", "Prompt Lab", "AI Literacy Course"),
        "summary": (
            "Teaches pupils about how AI works, prompting skills and how to evaluate AI answers critically.",
        ),
        "description": (
            "{name} is an AI literacy course for pupils in {phase_words}.",
            "Lessons cover how language models work, bias, and checking AI answers against sources.",
            "Teachers get lesson plans and slides for each unit.",
        ),
        "ai": (
            "Pupils practise prompting a sandboxed AI model and evaluate AI outputs against trusted sources.",
            "The AI explains how it reached an answer so pupils can learn about AI limitations.",
        ),
    },
    "live": {
        "kind": "tl", "weight": 3, "ages": {"primary": 2, "secondary": 3},
        "nouns": ("Live Quiz", "Class Discussion", "Hinge Question Live"),
        "summary": (
            "Live quizzes and class discussions in lessons, with AI generating follow-up questions as pupils respond.",
        ),
        "description": (
            "{name} runs live quizzes and discussions during lessons in {phase_words}.",
            "Pupils answer on their devices and the class sees results in real time.",
            "Teachers can save quizzes to a shared library.",
        ),
        "ai": (
            "During the lesson, pupils answer questions and the AI responds to each pupil with a follow-up question.",
            "Teachers control the pace and can pause the AI at any time.",
        ),
    },
    "assessment": {
        "kind": "tl", "weight": 2, "ages": {"primary": 3, "secondary": 2},
        "nouns": ("Diagnostic Check", "Reading Assessment", "Baseline Assessment"),
        "summary": (
            "Diagnostic assessment that adapts to each pupil to find gaps in {subject}, with reports for teachers.",
            "A baseline assessment of each pupil's reading level, with AI adapting the questions as pupils answer.",
        ),
        "description": (
            "{name} provides diagnostic and baseline assessments for {phase_words}.",
            "Adaptive tests find each pupil's level in under twenty minutes.",
            "Reports for teachers suggest groupings and next steps.",
        ),
        "ai": (
            "Pupils take an adaptive test; the AI chooses questions and assesses each pupil's level.",
            "Teachers review results before any decision about sets or groups.",
        ),
    },
}
ARCHETYPE_NAMES = tuple(ARCHETYPES)
ARCHETYPE_WEIGHTS = tuple(ARCHETYPES[a]["weight"] for a in ARCHETYPE_NAMES)
PROFILES = (("good", 35), ("mediocre", 45), ("worrying", 20))


def supplier_name(i: int) -> str:
    rng = random.Random(f"supplier:{SEED}:{i}")
    brand = rng.choice(BRAND_A) + rng.choice(BRAND_B)
    return f"{brand} {rng.choice(SUPPLIER_KIND)} {i + 1}" if i >= len(BRAND_A) * len(BRAND_B) else f"{brand} {rng.choice(SUPPLIER_KIND)}"


def slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-").replace("--", "-")


def make_suppliers(n_products: int) -> list[dict[str, Any]]:
    count = max(1, n_products // 20)
    names: list[str] = []
    used: set[str] = set()
    for i in range(count):
        name = supplier_name(i)
        while name.lower() in used:
            name = f"{name} {len(used) % 97 + 2}"
        used.add(name.lower())
        names.append(name)
    return [
        {"name": name, "kind": "supplier", "website": f"https://{slug(name.split()[0])}.example",
         "description": "A fictional supplier generated for benchmarks."}
        for name in names
    ]


def _choice_weighted(rng: random.Random, mapping: dict[str, int]) -> str:
    keys = list(mapping)
    return rng.choices(keys, weights=[mapping[k] for k in keys])[0]


def _fill(template: str, ctx: dict[str, str]) -> str:
    return template.format(**ctx)


def entry(i: int, supplier: str, used_names: set[str] | None = None) -> dict[str, Any]:
    """Product entry ``i`` for ``supplier`` (deterministic); ``used_names`` keeps names unique (lower-case)."""
    rng = random.Random(f"product:{SEED}:{i}")
    archetype_name = rng.choices(ARCHETYPE_NAMES, weights=ARCHETYPE_WEIGHTS)[0]
    arch = ARCHETYPES[archetype_name]
    profile = rng.choices([p for p, _ in PROFILES], weights=[w for _, w in PROFILES])[0]

    phases, key_stages, (age_min, age_max) = rng.choice(PHASE_SETS[_choice_weighted(rng, arch["ages"])])
    subject = rng.choice(SUBJECTS)
    # Names: a brand and a noun for the archetype; variants keep them unique across the register.
    name = f"{rng.choice(BRAND_A)}{rng.choice(BRAND_B)} {rng.choice(arch['nouns'])}"
    if used_names is not None:
        candidates = [name] + [f"{name} {v}" for v in NAME_VARIANTS]
        name = next((c for c in candidates if c.lower() not in used_names), None) or f"{name} {i + 1}"
        used_names.add(name.lower())

    # Who uses it, consistently with pupil interaction.
    both = arch["kind"] == "workflow" and rng.random() < 0.08  # a staff tool with a pupil-facing feature
    if arch["kind"] == "tl" or both:
        users = list(rng.choice(arch.get("users", (("pupils", "teachers"), ("pupils", "teachers", "parents"), ("pupils", "teachers")))))
        if both:
            users = list(rng.choice(arch["users"])) + ["pupils"]
        if "pupils" not in users:
            users.append("pupils")
        young = age_min < 11
        interaction = "supervised" if (young and rng.random() < 0.7) or rng.random() < 0.25 else "direct"
    else:
        users = list(rng.choice(arch["users"]))
        interaction = "none"

    ctx = {
        "name": name, "subject": subject, "region": rng.choice(REGIONS), "year": str(rng.randint(2019, 2026)),
        "phase_words": " and ".join(PHASE_WORDS[p] for p in phases[:2]),
    }
    summary = _fill(rng.choice(arch["summary"]), ctx) + " (Benchmark entry: fictional product.)"
    description_parts = [_fill(arch["description"][0], ctx)]
    description_parts += [_fill(s, ctx) for s in rng.sample(arch["description"][1:], k=min(len(arch["description"]) - 1, rng.randint(2, 5)))]
    description_parts += [_fill(s, ctx) for s in rng.sample(GENERAL_DESCRIPTION, k=rng.randint(2, 5))]
    ai_parts = rng.sample(arch["ai"], k=min(len(arch["ai"]), rng.randint(2, 4)))
    if both:
        ai_parts.append("Pupils also use a homework helper in which the AI gives hints to each pupil.")
    ai_parts += rng.sample(GENERAL_AI, k=rng.randint(1, 3))

    worrying_model = profile == "worrying" and rng.random() < 0.3
    model, provider = rng.choice(WORRYING_MODELS if worrying_model else MODELS)
    if provider == "own_model" and archetype_name not in ("reading", "eal", "access"):
        model, provider = MODELS[0]
    website_root = f"https://{slug(supplier.split()[0])}.example"
    pricing = rng.choices(("free", "freemium", "subscription", "per_pupil", "quote"), weights=(10, 15, 40, 20, 15))[0]
    subjects = ["All subjects"] if rng.random() < 0.3 else sorted(set(rng.sample(SUBJECTS, k=rng.randint(0, 3)) + [subject]))

    pupil_facing = interaction != "none"
    return {
        "name": name,
        "supplier": supplier,
        "website": f"{website_root}/{slug(name)}",
        "summary": summary[:280],
        "description": " ".join(description_parts),
        "ai_features": " ".join(ai_parts),
        "ai_models": [model],
        "intended_users": users,
        "pupil_interaction": interaction,
        "phases": list(phases),
        "key_stages": list(key_stages),
        "age_min": age_min,
        "age_max": age_max,
        "subjects": subjects,
        "pricing": pricing,
        "answers": answers(rng, profile, pupil_facing=pupil_facing, provider=provider, age_min=age_min,
                           website=website_root, archetype=archetype_name),
    }


def answers(rng: random.Random, profile: str, *, pupil_facing: bool, provider: str, age_min: int, website: str, archetype: str) -> dict[str, Any]:
    """Answers to every evaluator question, drawn for a good, mediocre or worrying supplier."""
    good, bad = profile == "good", profile == "worrying"
    p_yes = {"good": 0.95, "mediocre": 0.7, "worrying": 0.35}[profile]
    skip = {"good": 0.03, "mediocre": 0.2, "worrying": 0.4}[profile]

    def yes(*, invert: bool = False) -> bool:
        value = rng.random() < p_yes
        return not value if invert else value

    def pick(good_values: tuple, mid_values: tuple, bad_values: tuple) -> Any:
        return rng.choice(good_values if good else bad_values if bad else mid_values)

    generative = archetype not in ("data", "practice") or rng.random() < 0.5
    region = pick(("uk", "uk", "eea"), ("uk", "eea", "us"), ("us", "other", "eea"))
    a: dict[str, Any] = {
        "sg_content_filtering": ("layered_tested" if generative else "not_generative") if good
        else pick((), ("layered_tested", "basic_keyword"), ("basic_keyword", "none")),
        "sg_filter_adjustable": yes(),
        "sg_filter_scope": sorted(rng.sample(["text", "images", "other_languages", "misspellings"], k=4 if good else rng.randint(1, 3))),
        "sg_logs_available": yes(),
        "sg_dsl_alerts": yes(),
        "sg_blocked_explanation": yes(),
        "sg_adversarial_testing": yes(),
        "sg_user_testing": yes(),
        "sg_impact_claims": pick(("no_claims", "claims_with_evidence"), ("no_claims", "claims_with_evidence", "claims_without_evidence"), ("claims_without_evidence",)),
        "sg_risk_assessment": yes(),
        "sg_complaints_route": yes(),
        "sg_presents_as_human": bool(bad and pupil_facing and rng.random() < 0.25),
        "sg_labels_ai_content": yes(),
        "sg_grounding": pick(("vetted_content", "citations"), ("citations", "none", "vetted_content"), ("none", "citations")),
        "sg_learning_design": ("hints_first" if not bad else rng.choice(("hints_first", "gives_answers"))) if pupil_facing and archetype in ("tutor", "writing", "practice") else "not_applicable",
        "sg_engagement_features": bool(bad and rng.random() < 0.4),
        "sg_usage_limits": yes(),
        "sg_self_harm_handling": yes(),
        "sg_deepfake_prevention": yes(),
        "sg_school_filtering_compatible": yes(),
        "sg_emotion_inference": bool(bad and rng.random() < 0.15),
        "dp_dpia": pick(("current",), ("current", "outdated"), ("outdated", "none")),
        "dp_role": pick(("processor",), ("processor", "processor_with_own_purposes"), ("controller", "processor_with_own_purposes", "joint_controller")),
        "dp_dpa_available": yes(),
        "dp_personal_data": ["names", "emails"] + (["pupil_work"] if pupil_facing else []) + (["behaviour"] if archetype == "data" else [])
        + (["send_health"] if archetype in ("send_admin", "access") else []) + (["voice_recordings"] if archetype in ("reading", "eal") else []),
        "dp_special_category_condition": "Article 9(2)(g) substantial public interest, with the school's appropriate policy document."
        if archetype in ("send_admin", "access") else "No special-category data is processed.",
        "dp_minimisation_default": yes(),
        "dp_retention": rng.choice((
            "Account data for the life of the contract; prompts and outputs for 12 months, then deleted.",
            "Deleted 30 days after the end of the contract; backups overwritten within 35 days.",
            "Kept for as long as the school's account is active.",
        )),
        "dp_deletion_at_contract_end": yes(),
        "dp_storage_region": region,
        "dp_transfer_mechanism": "not_needed" if region == "uk" else ("adequacy" if region == "eea" else pick(("idta",), ("idta", "addendum"), ("none", "addendum"))),
        "dp_subprocessors_listed": yes(),
        "dp_no_training_flowdown": yes(),
        "dp_trains_on_pupil_data": pick(("never",), ("never", "opt_in_only"), ("opt_in_only", "yes_by_default")),
        "dp_advertising_or_sale": bool(bad and rng.random() < 0.2),
        "dp_encryption": yes(),
        "dp_mfa_staff": yes(),
        "dp_certifications": pick((["cyber_essentials_plus", "iso27001"], ["iso27001", "soc2"]), (["cyber_essentials"], ["cyber_essentials_plus"]), (["none"], ["cyber_essentials"])),
        "dp_breach_notification_hours": pick((24, 48), (48, 72), (72, 168)),
        "dp_subject_rights": yes(),
        "dp_automated_decisions": pick(("none",), ("none", "with_human_review"), ("with_human_review", "without_human_review")),
        "dp_pupil_privacy_notice": yes(),
        "dp_education_accounts": yes(),
        "dp_privacy_policy_url": f"{website}/privacy",
        "age_ai_provider": provider,
        "age_terms_min_age": (min(age_min, 13) if pupil_facing else 18) if not bad else rng.choice((13, 16, 18)),
        "age_consent_basis": pick(("school_contract",), ("school_contract", "parental_consent_verified"), ("child_consent", "parental_consent_unverified")),
        "age_assurance": pick(("school_provisioned_accounts",), ("school_provisioned_accounts", "self_declaration"), ("self_declaration", "none")),
        "age_high_privacy_default": yes(),
        "age_geolocation_off": yes(),
        "age_profiling_off": yes(),
        "age_no_nudges": yes(),
        "age_child_friendly_notices": yes(),
        "age_child_told_when_monitored": yes(),
        "age_reporting_tools": yes(),
        "age_content_thresholds_by_stage": yes(),
        "age_high_risk_uses": ["assessing_level"] if archetype == "assessment" else (["grading_learning_outcomes"] if archetype == "marking" else ["none"]),
        "age_best_interests": yes(),
        "acc_wcag_level": pick(("aa_audited", "aa_self_assessed"), ("aa_self_assessed", "partial", "unknown"), ("partial", "unknown")),
        "acc_assistive_tech": sorted(rng.sample(["screen_reader", "switch_access", "voice_control", "magnification"], k=rng.randint(0 if bad else 1, 4))),
        "acc_reading_age_control": yes(),
    }
    if a["sg_adversarial_testing"] and rng.random() < 0.6:
        a["sg_adversarial_evidence_url"] = f"{website}/trust-centre/adversarial-testing"
    # Missing evidence: some answers are simply not given.
    return {key: value for key, value in a.items() if rng.random() >= skip or key in ("dp_storage_region",) and good}


def generate(n: int) -> tuple[list[dict[str, Any]], Iterator[dict[str, Any]]]:
    """About ``n / 20`` suppliers and an iterator over ``n`` entries (deterministic)."""
    suppliers = make_suppliers(n)
    names = [s["name"] for s in suppliers]

    def entries() -> Iterator[dict[str, Any]]:
        used: set[str] = set()
        for i in range(n):
            yield entry(i, names[i % len(names)], used)

    return suppliers, entries()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--out", help="write JSON lines here (first line: the suppliers)")
    parser.add_argument("--check", action="store_true", help="validate every entry with ProductEntrySchema in an app context")
    args = parser.parse_args()

    from tqdm import tqdm

    started = time.perf_counter()
    suppliers, entries = generate(args.products)
    out = open(args.out, "w", encoding="utf-8") if args.out else None
    validate = None
    context = None
    if args.check:
        import tempfile

        from catalogue import create_app, products

        scratch = tempfile.mkdtemp(prefix="bench-generate-")
        app = create_app({"DATABASE_URL": f"sqlite:///{scratch}/check.sqlite3", "INDEX_DIR": f"{scratch}/index", "SECRET_KEY": "bench"},
                         instance_path=f"{scratch}/instance")
        context = app.app_context()
        context.push()
        validate = products.validate_entry
    interactions: Counter[str] = Counter()
    invalid = 0
    chars = 0
    if out:
        out.write(json.dumps({"suppliers": suppliers}) + "\n")
    for item in tqdm(entries, total=args.products, desc="Generating", unit="entry", file=sys.stderr, disable=False):
        interactions[item["pupil_interaction"]] += 1
        chars += len(item["description"]) + len(item["ai_features"]) + len(item["summary"])
        if validate is not None:
            from marshmallow import ValidationError

            try:
                validate(item)
            except ValidationError as exc:
                invalid += 1
                if invalid <= 3:
                    print(f"invalid entry {item['name']!r}: {exc.messages}", file=sys.stderr)
        if out:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    if out:
        out.close()
    if context is not None:
        context.pop()
    elapsed = time.perf_counter() - started
    print(json.dumps({
        "script": "generate", "products": args.products, "suppliers": len(suppliers), "seed": SEED,
        "pupil_interaction": dict(interactions), "mean_text_chars": round(chars / max(1, args.products)),
        "checked": bool(args.check), "invalid": invalid if args.check else None, "seconds": round(elapsed, 2),
    }))


if __name__ == "__main__":
    main()
