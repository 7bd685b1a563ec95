/**
 * The fixed course catalogue and the vocabularies users are drawn from. The courses continue the
 * sample export's (GBV-ally training) so demo output reads like the real thing.
 */

export interface ModuleSpec {
  readonly name: string;
  /** Relative length: how many progress updates the module takes compared to an average one. */
  readonly length: number;
  /** Added to quiz scores; negative for hard modules. */
  readonly quizEase: number;
}

export interface CourseSpec {
  readonly name: string;
  readonly category: string;
  /** Relative share of enrolments. */
  readonly popularity: number;
  readonly modules: readonly ModuleSpec[];
}

const m = (name: string, length: number, quizEase: number): ModuleSpec => ({ name, length, quizEase });

export const COURSES: readonly CourseSpec[] = [
  {
    name: 'Understanding GBV',
    category: 'GBV Awareness',
    popularity: 0.28,
    modules: [
      m('What is Gender-Based Violence', 0.8, 6),
      m('Recognizing Signs of Abuse', 1.1, 2),
      m('Myths vs Facts About GBV', 0.9, 4),
      m('Power, Control and Consent', 1.2, -3),
      m('Laws and Rights Protecting Survivors', 1.3, -7),
    ],
  },
  {
    name: 'How to Listen Without Judgment',
    category: 'Communication',
    popularity: 0.19,
    modules: [
      m('The Art of Active Listening', 0.9, 3),
      m('Body Language and Non-Verbal Cues', 1, 1),
      m('Asking the Right Questions', 1, 0),
      m('Reflecting Feelings Back', 1.1, -2),
    ],
  },
  {
    name: 'Safe Communication',
    category: 'Communication',
    popularity: 0.16,
    modules: [
      m('How to Create a Safe Space', 0.9, 4),
      m('Words That Help vs Words That Harm', 1, 2),
      m('Responding to Disclosure Calmly', 1.2, -2),
      m('Confidentiality and Its Limits', 1.1, -5),
      m('Talking About Safety Plans', 1.2, -3),
      m('Communicating Across Cultures', 1, 0),
    ],
  },
  {
    name: 'When and How to Refer',
    category: 'Referral',
    popularity: 0.14,
    modules: [
      m('Knowing Your Limits as an Ally', 0.8, 3),
      m('Understanding Professional Support Services', 1.3, -4),
      m('How to Make a Safe Referral', 1.1, -1),
    ],
  },
  {
    name: 'Supporting Recovery',
    category: 'Emotional Support',
    popularity: 0.12,
    modules: [
      m('Emotional Support Without Overstepping', 1, 2),
      m('Understanding Trauma Responses', 1.3, -6),
      m('Rebuilding Trust', 1, 0),
      m('Supporting Survivors With Children', 1.1, -2),
      m('Long-Term Allyship and Consistency', 0.9, 1),
      m('Recognizing Secondary Trauma', 1.2, -4),
      m('Boundaries, Burnout and Self-Care', 0.9, 3),
      m('Taking Care of Yourself as a Supporter', 0.8, 5),
    ],
  },
  {
    name: 'Digital Safety and Online Abuse',
    category: 'Digital Safety',
    popularity: 0.11,
    modules: [
      m('Recognizing Technology-Facilitated Abuse', 1, 0),
      m('Securing Phones and Accounts', 1.2, -3),
      m('"Stalkerware" and Location Tracking', 1.1, -5),
      m('Documenting Online Harassment', 1, -1),
      m('Reporting to Platforms and Police', 0.9, 2),
    ],
  },
];

export interface DepartmentSpec {
  readonly name: string;
  readonly share: number;
  /** Shift of the hidden engagement level: a mild, learnable department effect. */
  readonly engagementShift: number;
}

export const DEPARTMENTS: readonly DepartmentSpec[] = [
  { name: 'Community', share: 0.26, engagementShift: 0 },
  { name: 'Education', share: 0.2, engagementShift: 0.05 },
  { name: 'Health Services', share: 0.14, engagementShift: 0.08 },
  { name: 'HR', share: 0.1, engagementShift: -0.02 },
  { name: 'Legal', share: 0.12, engagementShift: -0.05 },
  { name: 'Management', share: 0.18, engagementShift: -0.08 },
];

export const STAFF_ROLES: readonly string[] = ['admin', 'instructor', 'manager'];

/** Mostly `learner`; the variants are what hand-edited LMS exports really contain. */
export const LEARNER_ROLES: readonly string[] = ['learner', 'student', 'Learner '];
export const LEARNER_ROLE_WEIGHTS: readonly number[] = [0.96, 0.02, 0.02];

export const FIRST_NAMES: readonly string[] = [
  'Amara',
  'Ben',
  'Chiara',
  'Dmitri',
  'Esi',
  'Farah',
  'Gabriel',
  'Hana',
  'Ibrahim',
  'Jasmine',
  'Kofi',
  'Lena',
  'Mateo',
  'Nadia',
  'Oscar',
  'Priya',
  'Quentin',
  'Rosa',
  'Samuel',
  'Tanvi',
  'Umar',
  'Valentina',
  'Wei',
  'Ximena',
  'Yusuf',
  'Zainab',
  'Aisha',
  'Bruno',
  'Clemente',
  'Daniela',
  'Elif',
  'Femi',
  'Grace',
  'Hugo',
  'Ines',
  'Jesse',
  'Kaito',
  'Leisha',
  'Miriam',
  'Noah',
  'Olga',
  'Pedro',
  'Rahul',
  'Sofia',
  'Thatch',
  'Ulla',
  'Victor',
  'Wanjiru',
  'Yara',
  'Zeynep',
  'Abena',
  'Carlos',
  'Deepa',
  'Emeka',
  'Fatima',
  'Godiva',
  'Hiroshi',
  'Joyous',
  'Kwame',
  'Lucia',
];

export const LAST_NAMES: readonly string[] = [
  'Adeyemi',
  'Brennan',
  'Castillo',
  'Dubois',
  'Eriksen',
  'Fernandes',
  'Gallagher',
  'Hassan',
  'Ivanova',
  'Johansson',
  'Kamau',
  'Lindqvist',
  'Mensah',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Quispe',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Usman',
  'Vargas',
  'Wójcik',
  'Xu',
  'Yilmaz',
  'Zannotelli',
  'Achebe',
  'Broggini',
  'Chen',
  'Diallo',
  'Elecum',
  'Ffoulkes',
  'Gonzalez',
  'Haddad',
  'Iyer',
  'Jovanovic',
  'Kowalski',
  'Lopez',
  'Mwangi',
  'Novak',
  'Osei',
  'Patel',
  'Reyes',
  'Sahnow',
  'Simco',
  'Skelhorne',
  'Torres',
  'Umeh',
  'Van Dyke',
  'Walsh',
  'Yamamoto',
  'Zhang',
  'Abara',
  'Bianchi',
  'Costa',
  'Das',
  'Ekström',
];

/** Rare names that need RFC 4180 quoting (comma, double quote) or stress other code paths. */
export const QUIRKY_FIRST_NAMES: readonly string[] = [
  'Robert "Bob"',
  'Mary-Jane',
  'Zoë',
  'Anne, Marie',
  'José',
];
export const QUIRKY_LAST_NAMES: readonly string[] = [
  "O'Neil, Jr.",
  'Smith, III',
  "D'Angelo",
  'García-López',
  'Nguyễn',
  'van der Berg',
  'Kim "KJ"',
];

export const EMAIL_DOMAINS: readonly string[] = [
  'lumenra.org',
  'gmail.com',
  'outlook.com',
  'yahoo.com',
  'proton.me',
  'partners.lumenra.org',
];
