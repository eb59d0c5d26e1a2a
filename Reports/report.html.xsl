<?xml version="1.0" encoding="UTF-8"?>
<!--
  MuscleBalance: an XML report (urn:musclebalance:report:1) as a printable HTML page, one page
  set per patient session, with inline SVG charts. `mbt report -\-format html`, `mbt score -\-html`
  and `xsltproc` give the same bytes. XSLT 1.0, no extension, reads and writes no file: mbt
  runs it with file and network access forbidden. A clinic may restyle it; mbt checks a
  stylesheet it is given like any other input.

  Parameters (all optional):
    patient  the patient's id (default: every patient of the report)
    session  the session's date, yyyy-mm-dd (default: each patient's latest)
    paper    A4 or Letter (default A4)
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:r="urn:musclebalance:report:1"
    exclude-result-prefixes="r">

  <xsl:output method="html" encoding="UTF-8" indent="no" doctype-system="about:legacy-compat"/>

  <!-- Characters that would act instead of show (DEL, the C1 controls, the bidi marks,
       embeddings, overrides and isolates, which can reorder a line): every text put on the
       page passes through translate() with these two, so each shows as U+FFFD, as mbt's
       terminal output shows them escaped.
       Parameters, so that mbt, which replaces these characters in the document before the
       stylesheet reads it, can pass both empty: translate() looking each character of text up
       in these 45 was a fifth of a page's time. Any other processor keeps them as they are. -->
  <xsl:param name="hidden" select="'&#x7F;&#x80;&#x81;&#x82;&#x83;&#x84;&#x85;&#x86;&#x87;&#x88;&#x89;&#x8A;&#x8B;&#x8C;&#x8D;&#x8E;&#x8F;&#x90;&#x91;&#x92;&#x93;&#x94;&#x95;&#x96;&#x97;&#x98;&#x99;&#x9A;&#x9B;&#x9C;&#x9D;&#x9E;&#x9F;&#x61C;&#x200E;&#x200F;&#x202A;&#x202B;&#x202C;&#x202D;&#x202E;&#x2066;&#x2067;&#x2068;&#x2069;'"/>
  <xsl:param name="shown" select="'&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;'"/>

  <xsl:param name="patient" select="''"/>
  <xsl:param name="session" select="''"/>
  <xsl:param name="paper" select="'A4'"/>

  <xsl:key name="test" match="r:catalogue/r:test" use="@id"/>
  <xsl:key name="ratio" match="r:catalogue/r:ratio" use="@id"/>
  <xsl:key name="adjunct" match="r:catalogue/r:adjunct" use="@id"/>
  <xsl:key name="source" match="r:sources/r:source" use="@id"/>

  <xsl:template match="/r:report">
    <html lang="en">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="mbt report.html.xsl"/>
        <title>
          <xsl:text>Muscle balance report</xsl:text>
          <xsl:if test="$patient != ''"><xsl:value-of select="translate(concat(' - ', $patient), $hidden, $shown)"/></xsl:if>
          <xsl:if test="@clinic"><xsl:value-of select="translate(concat(' - ', @clinic), $hidden, $shown)"/></xsl:if>
        </title>
        <style>
          <xsl:text>@page { size: </xsl:text>
          <xsl:value-of select="translate($paper, $hidden, $shown)"/>
          <xsl:text>; margin: 14mm 12mm; }</xsl:text>
          <xsl:value-of select="$css"/>
        </style>
      </head>
      <body>
        <xsl:comment> patients </xsl:comment>
        <xsl:apply-templates select="r:patient[$patient = '' or @id = $patient] | r:skipped[$patient = '']"/>
        <xsl:comment> end of patients </xsl:comment>
      </body>
    </html>
  </xsl:template>

  <!-- A patient that could not be scored: one block saying why. -->
  <xsl:template match="r:skipped">
    <section class="patient skipped">
      <h1>Not scored: patient <xsl:value-of select="translate(@patient, $hidden, $shown)"/></h1>
      <p>Line <xsl:value-of select="translate(@line, $hidden, $shown)"/> of the input: <xsl:value-of select="translate(., $hidden, $shown)"/></p>
    </section>
  </xsl:template>

  <xsl:template match="r:patient">
    <xsl:variable name="chosen" select="r:session[$session = '' or @date = $session][last()]"/>
    <xsl:if test="$chosen">
      <xsl:apply-templates select="$chosen"/>
    </xsl:if>
    <xsl:if test="not($chosen)">
      <section class="patient skipped">
        <h1>Patient <xsl:value-of select="translate(@id, $hidden, $shown)"/></h1>
        <p>No session on <xsl:value-of select="translate($session, $hidden, $shown)"/>.</p>
      </section>
    </xsl:if>
  </xsl:template>

  <xsl:template match="r:session">
    <xsl:variable name="p" select=".."/>
    <section class="patient">
      <header class="head">
        <div class="clinic"><xsl:value-of select="translate(/r:report/@clinic, $hidden, $shown)"/></div>
        <h1>Muscle balance report</h1>
        <table class="facts">
          <tr>
            <th>Patient</th><td><xsl:value-of select="translate($p/@id, $hidden, $shown)"/></td>
            <th>Session</th><td><xsl:value-of select="translate(@date, $hidden, $shown)"/></td>
          </tr>
          <tr>
            <th>Sex, age</th>
            <td>
              <xsl:value-of select="translate($p/@sex, $hidden, $shown)"/>
              <xsl:if test="@age">, <xsl:value-of select="translate(@age, $hidden, $shown)"/></xsl:if>
            </td>
            <th>Assessor</th><td><xsl:value-of select="translate(@assessor, $hidden, $shown)"/></td>
          </tr>
          <tr>
            <th>Body mass, height</th>
            <td>
              <xsl:if test="$p/@bodyMassKg"><xsl:value-of select="translate($p/@bodyMassKg, $hidden, $shown)"/> kg</xsl:if>
              <xsl:if test="$p/@heightCm">, <xsl:value-of select="translate($p/@heightCm, $hidden, $shown)"/> cm</xsl:if>
            </td>
            <th>Blood pressure</th>
            <td><xsl:if test="@bloodPressure"><xsl:value-of select="translate(@bloodPressure, $hidden, $shown)"/> mmHg</xsl:if></td>
          </tr>
          <tr>
            <th>Conditions</th>
            <td colspan="3">
              <!-- The conditions in force at this session, and whether the patient was screened:
                   "none recorded" never stands for "screened, none". -->
              <xsl:call-template name="words"><xsl:with-param name="list" select="normalize-space(@conditions)"/></xsl:call-template>
              <xsl:choose>
                <xsl:when test="not(@conditions) and @screened = 'true'">none (screened)</xsl:when>
                <xsl:when test="not(@conditions)">none recorded; <strong class="no">not screened</strong></xsl:when>
                <xsl:when test="@screened != 'true'">; <strong class="no">not screened</strong> for the others</xsl:when>
              </xsl:choose>
            </td>
          </tr>
        </table>
        <p class="small">
          <xsl:text>Protocol </xsl:text>
          <xsl:value-of select="translate(/r:report/@protocol, $hidden, $shown)"/><xsl:text> </xsl:text><xsl:value-of select="translate(/r:report/@protocolVersion, $hidden, $shown)"/>
          <xsl:if test="/r:report/@protocolTitle"> (<xsl:value-of select="translate(/r:report/@protocolTitle, $hidden, $shown)"/>)</xsl:if>
          <xsl:text>; scored from </xsl:text><xsl:value-of select="translate(/r:report/@input, $hidden, $shown)"/>
        </p>
      </header>

      <xsl:call-template name="imbalance"/>
      <xsl:call-template name="results"/>
      <xsl:call-template name="left-right"/>
      <xsl:call-template name="ratios"/>
      <xsl:call-template name="findings"/>
      <xsl:call-template name="plan"/>
      <xsl:call-template name="adjuncts"/>
      <xsl:call-template name="outcomes"/>
      <xsl:call-template name="progress"/>
      <xsl:call-template name="course"/>
      <xsl:call-template name="sources"/>
    </section>
  </xsl:template>

  <!-- ============================================================ imbalance index -->
  <xsl:template name="imbalance">
    <section class="block">
      <h2>Imbalance index <span class="small">(0 = balanced, 100 = every graded index severe)</span></h2>
      <figure class="chart">
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 124" width="100%" role="img"
             aria-label="Imbalance index by region">
          <xsl:call-template name="index-bar">
            <xsl:with-param name="y" select="4"/>
            <xsl:with-param name="label" select="'Overall'"/>
            <xsl:with-param name="value" select="@overallIndex"/>
            <xsl:with-param name="grade" select="@overallGrade"/>
          </xsl:call-template>
          <xsl:for-each select="r:imbalance">
            <xsl:call-template name="index-bar">
              <xsl:with-param name="y" select="4 + position() * 28"/>
              <xsl:with-param name="label" select="@region"/>
              <xsl:with-param name="value" select="@value"/>
              <xsl:with-param name="grade" select="''"/>
            </xsl:call-template>
          </xsl:for-each>
        </svg>
      </figure>
    </section>
  </xsl:template>

  <!-- Its literal elements are SVG's: declared here, or they came out in no namespace inside
       the chart, written with xmlns="" (the Nu checker refuses it; tidy did not see it). -->
  <xsl:template name="index-bar" xmlns="http://www.w3.org/2000/svg">
    <xsl:param name="y"/>
    <xsl:param name="label"/>
    <xsl:param name="value"/>
    <xsl:param name="grade"/>
    <text x="0" y="{$y + 15}" class="t"><xsl:value-of select="translate($label, $hidden, $shown)"/></text>
    <rect x="90" y="{$y}" width="400" height="20" class="track"/>
    <xsl:if test="string($value) != ''">
      <rect x="90" y="{$y}" width="{format-number($value * 4, '0.#')}" height="20" class="bar"/>
    </xsl:if>
    <text x="500" y="{$y + 15}" class="t">
      <xsl:choose>
        <xsl:when test="string($value) != ''"><xsl:value-of select="translate(format-number($value, '0.#'), $hidden, $shown)"/></xsl:when>
        <xsl:otherwise>no graded index</xsl:otherwise>
      </xsl:choose>
      <xsl:if test="$grade != ''"><xsl:value-of select="translate(concat(' (', $grade, ')'), $hidden, $shown)"/></xsl:if>
    </text>
  </xsl:template>

  <!-- ============================================================ results -->
  <xsl:template name="results">
    <xsl:variable name="s" select="."/>
    <section class="block">
      <h2>Results by region</h2>
      <p class="small">Each dot stands where the patient is against the norm: the grey band is the middle
        two-thirds of healthy people (z from -1 to 1); further left is worse, whichever way the test runs.</p>
      <xsl:for-each select="/r:report/r:catalogue/r:test[not(@region = preceding-sibling::r:test/@region)]">
        <xsl:variable name="region" select="@region"/>
        <xsl:variable name="rows" select="$s/r:result[key('test', @test)/@region = $region]"/>
        <xsl:if test="$rows">
          <table class="results">
            <caption><xsl:value-of select="translate(translate($region, 'hipelvsn', 'HIPELVSN'), $hidden, $shown)"/></caption>
            <thead>
              <tr><th>Test</th><th>Side</th><th>Value</th><th>Reference</th><th>% of norm</th><th>Against the norm</th><th>Grade</th></tr>
            </thead>
            <tbody>
              <xsl:apply-templates select="$rows"/>
            </tbody>
          </table>
        </xsl:if>
      </xsl:for-each>
    </section>
  </xsl:template>

  <xsl:template match="r:result">
    <xsl:variable name="n" select="r:norm[1]"/>
    <!-- The worst grade of the result's norms (see r:asymmetry for the substring idiom). -->
    <xsl:variable name="severe" select="boolean(r:norm[@grade = 'severe'])"/>
    <xsl:variable name="moderate" select="not($severe) and r:norm[@grade = 'moderate']"/>
    <xsl:variable name="mild" select="not($severe or $moderate) and r:norm[@grade = 'mild']"/>
    <xsl:variable name="normal" select="not($severe or $moderate or $mild) and r:norm[@grade = 'normal']"/>
    <xsl:variable name="grade" select="concat(substring('severe', 1 div $severe), substring('moderate', 1 div $moderate),
                                              substring('mild', 1 div $mild), substring('normal', 1 div $normal))"/>
    <tr>
      <td><xsl:value-of select="translate(key('test', @test)/@label, $hidden, $shown)"/></td>
      <td><xsl:call-template name="side-letter"/></td>
      <td class="num"><xsl:value-of select="translate(concat(format-number(@value, '0.##'), ' ', @unit), $hidden, $shown)"/></td>
      <td>
        <xsl:for-each select="r:norm">
          <xsl:if test="position() > 1"><br/></xsl:if>
          <xsl:choose>
            <xsl:when test="@kind = 'meanSD'">
              <xsl:value-of select="translate(concat(format-number(@mean, '0.##'), ' ', @unit, ' (SD ', format-number(@sd, '0.##'), ')'), $hidden, $shown)"/>
            </xsl:when>
            <xsl:when test="@kind = 'percentiles'">
              <xsl:value-of select="translate(concat('P50 ', format-number(@median, '0.##'), ' ', @unit), $hidden, $shown)"/>
            </xsl:when>
            <xsl:otherwise><xsl:value-of select="translate(@class, $hidden, $shown)"/></xsl:otherwise>
          </xsl:choose>
          <!-- One grade per result: a reference the protocol shows as information says so. -->
          <xsl:if test="@information = 'true'"><span class="small"> (information only)</span></xsl:if>
          <xsl:call-template name="cite"><xsl:with-param name="ids" select="@source"/></xsl:call-template>
        </xsl:for-each>
        <xsl:if test="not(r:norm)">
          <span class="noref">no reference<xsl:if test="r:noReference">: <xsl:value-of select="translate(r:noReference, $hidden, $shown)"/></xsl:if></span>
        </xsl:if>
      </td>
      <td class="num">
        <xsl:choose>
          <xsl:when test="$n/@percentOfMean"><xsl:value-of select="translate(format-number($n/@percentOfMean, '0'), $hidden, $shown)"/>%</xsl:when>
          <xsl:when test="$n/@percentOfMedian"><xsl:value-of select="translate(format-number($n/@percentOfMedian, '0'), $hidden, $shown)"/>%</xsl:when>
        </xsl:choose>
      </td>
      <td>
        <xsl:variable name="pn" select="r:norm[@percentile][1]"/>
        <xsl:if test="$pn">
          <xsl:call-template name="norm-dot">
            <xsl:with-param name="z" select="$pn/@z"/>
            <xsl:with-param name="percentile" select="$pn/@percentile"/>
          </xsl:call-template>
        </xsl:if>
      </td>
      <td><xsl:if test="$grade != ''"><span class="grade {$grade}"><xsl:value-of select="translate($grade, $hidden, $shown)"/></span></xsl:if>
        <!-- Normal against its norm, yet the weaker side of a graded asymmetry that a finding
             calls weak: the row says why, so the two do not read as a contradiction. -->
        <xsl:if test="$grade = 'normal' and @side">
          <xsl:variable name="weak" select="../r:finding[@basis = 'asymmetry'][@index = current()/@test][@side = current()/@side][@grade != 'normal']"/>
          <xsl:if test="$weak">
            <br/><span class="small">the weaker side: <span class="grade {$weak/@grade}"><xsl:value-of select="translate($weak/@grade, $hidden, $shown)"/></span> asymmetry</span>
          </xsl:if>
        </xsl:if>
      </td>
    </tr>
  </xsl:template>

  <!-- A dot on the normal band: z from -3 to 3 (clamped), the band from -1 to 1, the percentile written. -->
  <xsl:template name="norm-dot">
    <xsl:param name="z"/>
    <xsl:param name="percentile"/>
    <!-- With no z (a percentile table) the dot goes by its percentile, 0..100 over the axis;
         a z is clamped to -3..3. Chosen by arithmetic (see r:asymmetry), the absent z made 0
         first, since 0 times NaN is NaN. -->
    <xsl:variable name="hasZ" select="string($z) != ''"/>
    <xsl:variable name="z0" select="sum($z[$hasZ])"/>
    <xsl:variable name="zz" select="not($hasZ) * number(string(($percentile - 50) div 50 * 3))
                                    + ($hasZ and $z0 &lt; -3) * -3 + ($hasZ and $z0 > 3) * 3
                                    + ($hasZ and $z0 >= -3 and $z0 &lt;= 3) * $z0"/>
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 170 22" width="170" height="22" class="dot"
         role="img" aria-label="{concat('percentile ', format-number($percentile, '0'))}">
      <rect x="5" y="9" width="120" height="4" class="track"/>
      <rect x="45" y="5" width="40" height="12" class="band"/>
      <line x1="65" y1="3" x2="65" y2="19" class="tick"/>
      <circle cx="{format-number(65 + $zz * 20, '0.#')}" cy="11" r="5" class="mark"/>
      <text x="130" y="15" class="t"><xsl:value-of select="translate(concat('P', format-number($percentile, '0')), $hidden, $shown)"/></text>
    </svg>
  </xsl:template>

  <xsl:template name="side-letter">
    <xsl:choose>
      <xsl:when test="@side = 'left'">L</xsl:when>
      <xsl:when test="@side = 'right'">R</xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- ============================================================ left and right -->
  <xsl:template name="left-right">
    <xsl:if test="r:asymmetry">
      <section class="block">
        <h2>Left and right</h2>
        <p class="small">Each line runs from worse (left) to better (right): for a test where a lower angle
          is better, the axis is reversed. The marked square is the weaker or tighter side.</p>
        <xsl:apply-templates select="r:asymmetry"/>
      </section>
    </xsl:if>
  </xsl:template>

  <xsl:template match="r:asymmetry">
    <xsl:variable name="t" select="key('test', @test)"/>
    <xsl:variable name="lower" select="$t/@direction = 'lower-is-better'"/>
    <!-- Numbers chosen by arithmetic, not by xsl:choose into a variable: a true test counts 1
         and a false one 0 (XPath 1.0), and a variable with content is a result tree fragment,
         a document of its own per call, the slowest part of this template when it had five.
         Both sides are numbers here: an asymmetry has a left and a right value. -->
    <xsl:variable name="leftLower" select="number(@left) &lt; number(@right)"/>
    <xsl:variable name="low" select="$leftLower * @left + not($leftLower) * @right"/>
    <xsl:variable name="high" select="$leftLower * @right + not($leftLower) * @left"/>
    <xsl:variable name="magnitude" select="($high &lt; 0) * -$low + not($high &lt; 0) * $high"/>
    <!-- Rounded as a string and back, as the figures were when these were fragments. -->
    <xsl:variable name="spread" select="number(string(($high - $low) * 0.6))"/>
    <xsl:variable name="tenth" select="number(string($magnitude * 0.1))"/>
    <xsl:variable name="spreadWide" select="$spread > $tenth and $spread > 1"/>
    <xsl:variable name="pad" select="$spreadWide * $spread + (not($spreadWide) and $tenth > 1) * $tenth + (not($spreadWide) and not($tenth > 1)) * 1"/>
    <xsl:variable name="from" select="$low - $pad"/>
    <xsl:variable name="span" select="$high - $low + 2 * $pad"/>
    <!-- concat(substring(A, 1 div test), ...): A when the test is true, nothing when false. -->
    <xsl:variable name="flexibility" select="$t/@quality = 'flexibility'"/>
    <xsl:variable name="word" select="concat(substring('tighter', 1 div $flexibility), substring('weaker', 1 div not($flexibility)))"/>
    <figure class="chart lr">
      <figcaption>
        <strong><xsl:value-of select="translate($t/@label, $hidden, $shown)"/></strong>
        <xsl:text>: asymmetry </xsl:text>
        <xsl:choose>
          <xsl:when test="@formula = 'absolute-difference'"><xsl:value-of select="translate(concat(format-number(@value, '0.#'), ' ', $t/@unit), $hidden, $shown)"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="translate(format-number(@value, '0.0'), $hidden, $shown)"/>%</xsl:otherwise>
        </xsl:choose>
        <xsl:if test="@affectedSide"><xsl:value-of select="translate(concat(', ', @affectedSide, ' ', $word), $hidden, $shown)"/></xsl:if>
        <xsl:if test="@grade">; <span class="grade {@grade}"><xsl:value-of select="translate(@grade, $hidden, $shown)"/></span></xsl:if>
        <xsl:if test="@noReference">; <span class="noref">no reference: <xsl:value-of select="translate(@noReference, $hidden, $shown)"/></span></xsl:if>
        <xsl:call-template name="cite"><xsl:with-param name="ids" select="@source"/></xsl:call-template>
      </figcaption>
      <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 54" width="100%" role="img"
           aria-label="{translate(concat($t/@label, ': left ', format-number(@left, '0.#'), ', right ', format-number(@right, '0.#')), $hidden, $shown)}">
        <line x1="40" y1="27" x2="560" y2="27" class="axis"/>
        <text x="0" y="31" class="t">worse</text>
        <text x="568" y="31" class="t">better</text>
        <xsl:for-each select="@left | @right">
          <xsl:variable name="fraction" select="(. - $from) div $span"/>
          <xsl:variable name="x" select="format-number($lower * (560 - $fraction * 520) + not($lower) * (40 + $fraction * 520), '0.#')"/>
          <xsl:variable name="isLeft" select="local-name() = 'left'"/>
          <xsl:variable name="y" select="12 + 38 * not($isLeft)"/>
          <xsl:choose>
            <xsl:when test="../@affectedSide = local-name()">
              <rect x="{$x - 6}" y="21" width="12" height="12" class="affected"/>
            </xsl:when>
            <xsl:otherwise>
              <circle cx="{$x}" cy="27" r="6" class="other"/>
            </xsl:otherwise>
          </xsl:choose>
          <text x="{$x}" y="{$y}" class="t mid">
            <xsl:choose><xsl:when test="$isLeft">L </xsl:when><xsl:otherwise>R </xsl:otherwise></xsl:choose>
            <xsl:value-of select="translate(concat(format-number(., '0.#'), ' ', $t/@unit), $hidden, $shown)"/>
            <xsl:if test="../@affectedSide = local-name()"><xsl:value-of select="translate(concat(' (', $word, ')'), $hidden, $shown)"/></xsl:if>
          </text>
        </xsl:for-each>
      </svg>
    </figure>
  </xsl:template>

  <!-- ============================================================ ratios -->
  <xsl:template name="ratios">
    <xsl:if test="r:ratio">
      <section class="block">
        <h2>Agonist and antagonist ratios</h2>
        <table class="results">
          <thead><tr><th>Ratio</th><th>Side</th><th>Value</th><th>Acceptable</th><th>Grade</th></tr></thead>
          <tbody>
            <xsl:for-each select="r:ratio">
              <tr>
                <td><xsl:value-of select="translate(key('ratio', @id)/@name, $hidden, $shown)"/></td>
                <td><xsl:call-template name="side-letter"/></td>
                <td class="num"><xsl:value-of select="translate(format-number(@value, '0.00'), $hidden, $shown)"/></td>
                <td>
                  <xsl:choose>
                    <xsl:when test="@noReference"><span class="noref">no reference</span></xsl:when>
                    <xsl:otherwise>
                      <xsl:if test="@min">at least <xsl:value-of select="translate(@min, $hidden, $shown)"/></xsl:if>
                      <xsl:if test="@above">above <xsl:value-of select="translate(@above, $hidden, $shown)"/></xsl:if>
                      <xsl:if test="(@min or @above) and (@max or @below)">, </xsl:if>
                      <xsl:if test="@max">at most <xsl:value-of select="translate(@max, $hidden, $shown)"/></xsl:if>
                      <xsl:if test="@below">below <xsl:value-of select="translate(@below, $hidden, $shown)"/></xsl:if>
                      <xsl:call-template name="cite"><xsl:with-param name="ids" select="@source"/></xsl:call-template>
                    </xsl:otherwise>
                  </xsl:choose>
                </td>
                <td><xsl:if test="@grade"><span class="grade {@grade}"><xsl:value-of select="translate(@grade, $hidden, $shown)"/></span></xsl:if>
                  <xsl:if test="@notCounted = 'same-weak-muscle'"><br/><span class="small">not counted in the index again: the same weak muscle as the asymmetry</span></xsl:if>
                  <xsl:if test="@notCounted = 'within-own-norms'"><br/><span class="small">not counted in the index: both muscles are within their own norms</span></xsl:if>
                </td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- ============================================================ findings -->
  <xsl:template name="findings">
    <section class="block">
      <h2>Findings</h2>
      <xsl:if test="not(r:finding)"><p>No imbalance found.</p></xsl:if>
      <xsl:if test="r:finding">
        <ul class="findings">
          <xsl:for-each select="r:finding">
            <li><span class="grade {@grade}"><xsl:value-of select="translate(@grade, $hidden, $shown)"/></span><xsl:text> </xsl:text><xsl:value-of select="translate(., $hidden, $shown)"/></li>
          </xsl:for-each>
        </ul>
      </xsl:if>
    </section>
  </xsl:template>

  <!-- ============================================================ plan -->
  <xsl:template name="plan">
    <section class="block">
      <h2>Corrective plan</h2>
      <xsl:for-each select="r:plan">
        <xsl:if test="@reassessFrom">
          <p>Reassess between <span class="date"><xsl:value-of select="translate(@reassessFrom, $hidden, $shown)"/></span> and <span class="date"><xsl:value-of select="translate(@reassessBy, $hidden, $shown)"/></span>.</p>
        </xsl:if>
        <xsl:if test="not(r:exercise)"><p>No corrective exercise is needed.</p></xsl:if>
        <ol class="plan">
          <xsl:for-each select="r:exercise">
            <li class="exercise">
              <strong><xsl:value-of select="translate(@name, $hidden, $shown)"/></strong>
              <xsl:call-template name="side-words"/>
              <br/>
              <xsl:call-template name="dosage"/>
              <xsl:call-template name="cite"><xsl:with-param name="ids" select="@source"/></xsl:call-template>
              <br/><span class="small">for: <xsl:value-of select="translate(., $hidden, $shown)"/></span>
            </li>
          </xsl:for-each>
        </ol>
        <xsl:if test="r:unanswered">
          <p>Findings with no exercise in the protocol (the clinician decides):</p>
          <ul><xsl:for-each select="r:unanswered"><li><xsl:value-of select="translate(., $hidden, $shown)"/></li></xsl:for-each></ul>
        </xsl:if>
      </xsl:for-each>
    </section>
  </xsl:template>

  <xsl:template name="side-words">
    <xsl:choose>
      <xsl:when test="@side = 'left'"> - left side only</xsl:when>
      <xsl:when test="@side = 'right'"> - right side only</xsl:when>
      <xsl:when test="@side = 'both'"> - both sides<xsl:if test="@againOn"><xsl:value-of select="concat(', and again on the ', @againOn)"/></xsl:if></xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- The dosage in words; what the protocol has no source for is said to have none. -->
  <xsl:template name="dosage">
    <xsl:if test="@sets"><xsl:value-of select="translate(@sets, $hidden, $shown)"/> sets; </xsl:if>
    <xsl:choose>
      <xsl:when test="@repsMin and @repsMax"><xsl:value-of select="translate(concat(@repsMin, '-', @repsMax, ' reps; '), $hidden, $shown)"/></xsl:when>
      <xsl:when test="@repsMin"><xsl:value-of select="translate(concat('at least ', @repsMin, ' reps; '), $hidden, $shown)"/></xsl:when>
    </xsl:choose>
    <xsl:choose>
      <xsl:when test="@holds and @holdsMax"><xsl:value-of select="translate(concat(@holds, '-', @holdsMax, ' holds; '), $hidden, $shown)"/></xsl:when>
      <xsl:when test="@holds"><xsl:value-of select="translate(concat(@holds, ' holds; '), $hidden, $shown)"/></xsl:when>
    </xsl:choose>
    <xsl:choose>
      <xsl:when test="@holdSecondsMin and @holdSecondsMax"><xsl:value-of select="translate(concat(@holdSecondsMin, '-', @holdSecondsMax, ' s each; '), $hidden, $shown)"/></xsl:when>
      <xsl:when test="@holdSecondsMin"><xsl:value-of select="translate(concat(@holdSecondsMin, ' s each; '), $hidden, $shown)"/></xsl:when>
    </xsl:choose>
    <xsl:choose>
      <xsl:when test="@daysPerWeekMin and @daysPerWeekMax"><xsl:value-of select="translate(concat(@daysPerWeekMin, '-', @daysPerWeekMax, ' days a week'), $hidden, $shown)"/></xsl:when>
      <xsl:when test="@daysPerWeekMin"><xsl:value-of select="translate(concat(@daysPerWeekMin, ' days a week'), $hidden, $shown)"/></xsl:when>
    </xsl:choose>
    <xsl:if test="@daysPerWeekMin and not(@sets)">; </xsl:if>
    <xsl:if test="not(@sets) or not(@daysPerWeekMin)">
      <span class="noref">
        <xsl:if test="not(@sets)">sets</xsl:if>
        <xsl:if test="not(@sets) and not(@daysPerWeekMin)"> and </xsl:if>
        <xsl:if test="not(@daysPerWeekMin)">days a week</xsl:if>
        <xsl:text>: no reference</xsl:text>
      </span>
    </xsl:if>
  </xsl:template>

  <!-- ============================================================ adjuncts -->
  <xsl:template name="adjuncts">
    <xsl:if test="r:adjunct">
      <section class="block">
        <h2>Adjunct therapies</h2>
        <xsl:for-each select="r:adjunct">
          <div class="adjunct">
            <strong><xsl:value-of select="translate(@name, $hidden, $shown)"/></strong>
            <xsl:choose>
              <xsl:when test="@offered = 'true'">: may be offered, alongside the exercise plan, never instead of it.</xsl:when>
              <xsl:when test="@verdict = 'physician-approval'">: <strong class="no">only with a physician's approval</strong>.</xsl:when>
              <xsl:when test="@verdict = 'screen-first'">: <strong class="no">screen first</strong>.</xsl:when>
              <xsl:otherwise>: <strong class="no">not recommended</strong>.</xsl:otherwise>
            </xsl:choose>
            <xsl:call-template name="cite"><xsl:with-param name="ids" select="@source"/></xsl:call-template>
            <ul>
              <xsl:for-each select="r:reason"><li>Reason: <xsl:value-of select="translate(., $hidden, $shown)"/></li></xsl:for-each>
              <xsl:if test="@offered = 'true'">
                <li>Dose:
                  <xsl:if test="@startMinutes"> start at <xsl:value-of select="translate(@startMinutes, $hidden, $shown)"/> min;</xsl:if>
                  <xsl:if test="@maxMinutesPerSession"> at most <xsl:value-of select="translate(@maxMinutesPerSession, $hidden, $shown)"/> min a session;</xsl:if>
                  <xsl:if test="@maxMinutesPerDay"> at most <xsl:value-of select="translate(@maxMinutesPerDay, $hidden, $shown)"/> min a day;</xsl:if>
                  <xsl:if test="@maxSessionsPerWeek"> at most <xsl:value-of select="translate(@maxSessionsPerWeek, $hidden, $shown)"/> sessions a week;</xsl:if>
                  <xsl:if test="not(@startMinutes and @maxSessionsPerWeek)"><span class="noref"> the rest: no reference</span></xsl:if>
                </li>
              </xsl:if>
              <!-- Not screened: what to ask, from the catalogue (the same for every session). -->
              <xsl:if test="../@screened = 'false' and key('adjunct', @id)/r:ask">
                <li>Ask about:
                  <xsl:for-each select="key('adjunct', @id)/r:ask"><xsl:if test="position() > 1">; </xsl:if><xsl:value-of select="translate(., $hidden, $shown)"/></xsl:for-each>.
                </li>
              </xsl:if>
              <xsl:if test="@offered = 'true'">
                <xsl:for-each select="r:caution"><li>Caution: <xsl:value-of select="translate(., $hidden, $shown)"/></li></xsl:for-each>
              </xsl:if>
            </ul>
          </div>
        </xsl:for-each>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- ============================================================ outcomes -->
  <!-- Patient-reported outcomes: the score or why none, the band or risk group, recovered, the
       change since the instrument's last earlier score with its verdict, and the copyright line
       beside the score. Absent when the session has none. -->
  <xsl:template name="outcomes">
    <xsl:if test="r:outcome">
      <section class="block">
        <h2>Patient-reported outcomes</h2>
        <table>
          <thead><tr><th>Instrument</th><th>Score</th><th>Band or risk</th><th>Since the last score</th></tr></thead>
          <tbody>
            <xsl:for-each select="r:outcome">
              <xsl:variable name="change" select="../r:progress/r:outcomeChange[@instrument = current()/@instrument]"/>
              <tr>
                <td>
                  <xsl:value-of select="translate(@name, $hidden, $shown)"/>
                  <xsl:if test="@version"><xsl:text> </xsl:text><xsl:value-of select="translate(@version, $hidden, $shown)"/></xsl:if>
                  <xsl:call-template name="cite"><xsl:with-param name="ids" select="@source"/></xsl:call-template>
                  <xsl:if test="@copyright"><br/><span class="small"><xsl:value-of select="translate(@copyright, $hidden, $shown)"/></span></xsl:if>
                </td>
                <td>
                  <xsl:choose>
                    <xsl:when test="@score"><xsl:value-of select="translate(@score, $hidden, $shown)"/><xsl:if test="@enteredAsTotal = 'true'"> (total as entered)</xsl:if></xsl:when>
                    <xsl:otherwise><span class="noref">not scored: <xsl:value-of select="translate(@notScored, $hidden, $shown)"/></span></xsl:otherwise>
                  </xsl:choose>
                </td>
                <td>
                  <xsl:value-of select="translate(@band, $hidden, $shown)"/>
                  <xsl:if test="@risk"><xsl:value-of select="translate(concat(@risk, ' risk (subscale ', @subscale, ')'), $hidden, $shown)"/></xsl:if>
                  <xsl:if test="@recovered = 'true'"><xsl:if test="@band or @risk">, </xsl:if>recovered</xsl:if>
                </td>
                <td>
                  <xsl:if test="$change">
                    <xsl:value-of select="translate(concat($change/@previous, ' to ', $change/@latest, ' since ', $change/@previousDate), $hidden, $shown)"/>
                    <xsl:choose>
                      <xsl:when test="$change/@verdict = 'improved'">: <strong>improved</strong></xsl:when>
                      <xsl:when test="$change/@verdict = 'worsened'">: <strong class="no">worse</strong></xsl:when>
                      <xsl:when test="$change/@verdict = 'within-change'">: within the change that matters</xsl:when>
                      <xsl:otherwise><xsl:if test="$change/@previousRisk">: <xsl:value-of select="translate(concat($change/@previousRisk, ' to ', $change/@latestRisk, ' risk'), $hidden, $shown)"/></xsl:if></xsl:otherwise>
                    </xsl:choose>
                  </xsl:if>
                </td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- ============================================================ progress -->
  <xsl:template name="progress">
    <xsl:variable name="sessions" select="../r:session[not(@date > current()/@date)][@overallIndex]"/>
    <xsl:variable name="count" select="count($sessions)"/>
    <xsl:if test="r:progress or $count > 1">
      <section class="block">
        <h2>Progress</h2>
        <xsl:if test="$count > 1">
          <figure class="chart">
            <figcaption>Overall imbalance index, session by session (lower is better)</figcaption>
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 150" width="100%" role="img"
                 aria-label="Overall imbalance index over the sessions">
              <line x1="50" y1="110" x2="620" y2="110" class="axis"/>
              <line x1="50" y1="10" x2="50" y2="110" class="axis"/>
              <text x="0" y="114" class="t">0</text>
              <text x="0" y="14" class="t">100</text>
              <xsl:variable name="step" select="540 div ($count - 1)"/>
              <polyline class="line">
                <xsl:attribute name="points">
                  <xsl:for-each select="$sessions">
                    <xsl:value-of select="translate(concat(format-number(60 + (position() - 1) * $step, '0.#'), ',', format-number(110 - @overallIndex, '0.#'), ' '), $hidden, $shown)"/>
                  </xsl:for-each>
                </xsl:attribute>
              </polyline>
              <xsl:for-each select="$sessions">
                <xsl:variable name="x" select="format-number(60 + (position() - 1) * $step, '0.#')"/>
                <circle cx="{$x}" cy="{format-number(110 - @overallIndex, '0.#')}" r="4" class="mark"/>
                <text x="{$x}" y="{format-number(102 - @overallIndex, '0.#')}" class="t mid">
                  <xsl:value-of select="translate(concat(format-number(@overallIndex, '0.#'), ' ', @overallGrade), $hidden, $shown)"/>
                </text>
                <text x="{$x}" y="130" class="t mid"><xsl:value-of select="translate(@date, $hidden, $shown)"/></text>
              </xsl:for-each>
            </svg>
          </figure>
        </xsl:if>
        <xsl:for-each select="r:progress">
          <table class="results">
            <caption>Since <xsl:value-of select="translate(@previousDate, $hidden, $shown)"/></caption>
            <thead><tr><th>Test</th><th>Side</th><th>Before</th><th>Now</th><th>Change</th><th>Verdict</th></tr></thead>
            <tbody>
              <xsl:for-each select="r:change">
                <tr>
                  <td><xsl:value-of select="translate(key('test', @test)/@label, $hidden, $shown)"/></td>
                  <td><xsl:call-template name="side-letter"/></td>
                  <td class="num"><xsl:value-of select="translate(format-number(@previous, '0.#'), $hidden, $shown)"/></td>
                  <td class="num"><xsl:value-of select="translate(format-number(@latest, '0.#'), $hidden, $shown)"/></td>
                  <td class="num"><xsl:value-of select="translate(format-number(@change, '+0.#;-0.#'), $hidden, $shown)"/></td>
                  <td>
                    <xsl:choose>
                      <xsl:when test="@verdict = 'improved'">improved</xsl:when>
                      <xsl:when test="@verdict = 'worsened'">worsened</xsl:when>
                      <xsl:when test="@verdict = 'within-mdc'">within the minimal detectable change</xsl:when>
                      <xsl:otherwise><span class="noref">no reference for the minimal detectable change</span></xsl:otherwise>
                    </xsl:choose>
                    <xsl:call-template name="cite"><xsl:with-param name="ids" select="@source"/></xsl:call-template>
                    <xsl:if test="@mdcCaveat"><span class="small"><xsl:value-of select="translate(concat(' (MDC ', @mdcCaveat, ')'), $hidden, $shown)"/></span></xsl:if>
                  </td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
          <!-- The deficit being treated: each asymmetry then and now, with the weaker side. -->
          <xsl:if test="r:asymmetryChange">
            <table class="results">
              <caption>Asymmetry since <xsl:value-of select="@previousDate"/></caption>
              <thead><tr><th>Test</th><th>Before</th><th>Now</th><th>Change</th></tr></thead>
              <tbody>
                <xsl:for-each select="r:asymmetryChange">
                  <xsl:variable name="unit" select="concat(substring('%', 1, number(@formula != 'absolute-difference')), substring(concat(' ', key('test', @test)/@unit), 1, 99 * (@formula = 'absolute-difference')))"/>
                  <tr>
                    <td><xsl:value-of select="translate(key('test', @test)/@label, $hidden, $shown)"/></td>
                    <td class="num"><xsl:value-of select="concat(round(@previous * 10) div 10, $unit)"/><xsl:if test="@previousSide"><xsl:value-of select="concat(' ', translate(substring(@previousSide, 1, 1), 'lr', 'LR'))"/></xsl:if></td>
                    <td class="num"><xsl:value-of select="concat(round(@latest * 10) div 10, $unit)"/><xsl:if test="@latestSide"><xsl:value-of select="concat(' ', translate(substring(@latestSide, 1, 1), 'lr', 'LR'))"/></xsl:if></td>
                    <td class="num"><xsl:if test="@change >= 0">+</xsl:if><xsl:value-of select="round(@change * 10) div 10"/></td>
                  </tr>
                </xsl:for-each>
              </tbody>
            </table>
          </xsl:if>
        </xsl:for-each>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- ============================================================ course of care -->
  <!-- Its numbers and dates are mbt's own, typed by report.xsd (xs:decimal, xs:date): no
       control character can be in them, so they skip translate(), which costs a search of the
       hidden characters per character and was a sixth of a course's page; and round() stands
       for format-number() where a coordinate or a table's figure needs no grouping. -->
  <!-- The episode's visits, a chart per test (left and right, time to scale, the baseline's
       measurement-error band shaded, points by grade), the asymmetries, the indices on an axis
       scaled to the data, the outcome scores with their minimal-important-change band; then a
       table of every figure with its best and both changes. Only for a session that has a
       course (a baseline and two visits after it): otherwise nothing here. -->
  <xsl:template name="course">
    <xsl:for-each select="r:courseOfCare">
      <xsl:variable name="session" select=".."/>
      <section class="block course">
        <h2>Course of care since <xsl:value-of select="@baseline"/></h2>
        <p>
          <xsl:value-of select="count(r:visit)"/><xsl:text> visits: </xsl:text>
          <xsl:for-each select="r:visit"><xsl:if test="position() > 1">, </xsl:if><xsl:value-of select="@date"/></xsl:for-each>
          <xsl:if test="@discharge = 'true'">; this visit is the discharge</xsl:if>
          <xsl:text>. Shaded: the baseline's measurement error (for a test) or minimal important change (for an outcome score); a later point outside it is a change. Inside the dotted edge: the range the norm grades normal.</xsl:text>
        </p>
        <!-- The clinician's summary, from the verdicts against the baseline (no free text). -->
        <xsl:variable name="judged" select="r:line[@kind = 'test' or @kind = 'outcome']"/>
        <p class="summary">
          <strong>Since the baseline: </strong>
          <xsl:choose>
            <xsl:when test="$judged[r:sinceBaseline/@verdict = 'improved']">
              <xsl:text>improved </xsl:text>
              <xsl:for-each select="$judged[r:sinceBaseline/@verdict = 'improved']">
                <xsl:if test="position() > 1">, </xsl:if>
                <xsl:call-template name="course-name"><xsl:with-param name="session" select="$session"/></xsl:call-template>
              </xsl:for-each>
            </xsl:when>
            <xsl:otherwise>nothing improved beyond measurement error</xsl:otherwise>
          </xsl:choose>
          <xsl:text>; </xsl:text>
          <xsl:choose>
            <xsl:when test="$judged[r:sinceBaseline/@verdict = 'worsened']">
              <strong class="no">worse</strong><xsl:text> </xsl:text>
              <xsl:for-each select="$judged[r:sinceBaseline/@verdict = 'worsened']">
                <xsl:if test="position() > 1">, </xsl:if>
                <xsl:call-template name="course-name"><xsl:with-param name="session" select="$session"/></xsl:call-template>
              </xsl:for-each>
            </xsl:when>
            <xsl:otherwise>nothing worse</xsl:otherwise>
          </xsl:choose>
          <xsl:value-of select="concat('; ', count($judged[r:sinceBaseline/@verdict = 'within-error']), ' within measurement error.')"/>
        </p>
        <xsl:if test="r:findingChange">
          <p class="summary">
            <strong>Findings since <xsl:value-of select="r:visit[last() - 1]/@date"/>: </strong>
            <xsl:for-each select="r:findingChange">
              <xsl:if test="position() > 1">; </xsl:if>
              <xsl:choose>
                <xsl:when test="@kind = 'new'">new <span class="grade {@grade}"><xsl:value-of select="@grade"/></span><xsl:text> </xsl:text></xsl:when>
                <xsl:when test="@kind = 'resolved'">gone: </xsl:when>
                <xsl:otherwise><xsl:value-of select="concat(@kind, ' (', @grade, ', was ', @previousGrade, ') ')"/></xsl:otherwise>
              </xsl:choose>
              <xsl:value-of select="translate(., $hidden, $shown)"/>
            </xsl:for-each>
          </p>
        </xsl:if>
        <!-- A test's left and right lines are written next to each other (left first): a right
             line right after its left is drawn with it. -->
        <xsl:for-each select="r:line[@kind = 'test']">
          <xsl:if test="not(@side = 'right' and preceding-sibling::r:line[1][@kind = 'test'][@side = 'left']/@id = current()/@id)">
            <xsl:call-template name="course-chart">
              <xsl:with-param name="lines" select=". | self::r:line[@side = 'left']/following-sibling::r:line[1][@kind = 'test'][@side = 'right'][@id = current()/@id]"/>
              <xsl:with-param name="title" select="concat(key('test', @id)/@label, ' (', key('test', @id)/@unit, ')')"/>
            </xsl:call-template>
          </xsl:if>
        </xsl:for-each>
        <xsl:for-each select="r:line[@kind = 'asymmetry']">
          <xsl:call-template name="course-chart">
            <xsl:with-param name="lines" select="."/>
            <xsl:with-param name="title" select="concat('Asymmetry, ', key('test', @id)/@label, ' (%, lower is better)')"/>
          </xsl:call-template>
        </xsl:for-each>
        <xsl:for-each select="r:line[@kind = 'index'][@id = 'overall']">
          <xsl:call-template name="course-chart">
            <xsl:with-param name="lines" select="."/>
            <xsl:with-param name="title" select="'Overall imbalance index (lower is better; the axis is scaled to the figures)'"/>
          </xsl:call-template>
        </xsl:for-each>
        <xsl:for-each select="r:line[@kind = 'outcome']">
          <xsl:call-template name="course-chart">
            <xsl:with-param name="lines" select="."/>
            <xsl:with-param name="title" select="$session/r:outcome[@instrument = current()/@id]/@name"/>
          </xsl:call-template>
        </xsl:for-each>
        <table class="results course">
          <thead><tr><th>Figure</th><th>Side</th><th>Visits</th><th>Best</th><th>Since the visit before</th><th>Since the baseline</th></tr></thead>
          <tbody>
            <xsl:for-each select="r:line">
              <tr>
                <td>
                  <xsl:choose>
                    <xsl:when test="@kind = 'test'"><xsl:value-of select="translate(key('test', @id)/@label, $hidden, $shown)"/></xsl:when>
                    <xsl:when test="@kind = 'asymmetry'">Asymmetry, <xsl:value-of select="translate(key('test', @id)/@label, $hidden, $shown)"/></xsl:when>
                    <xsl:when test="@kind = 'ratio'"><xsl:value-of select="translate(key('ratio', @id)/@name, $hidden, $shown)"/></xsl:when>
                    <xsl:when test="@kind = 'index'">Imbalance index, <xsl:value-of select="translate(@id, $hidden, $shown)"/></xsl:when>
                    <xsl:otherwise><xsl:value-of select="translate($session/r:outcome[@instrument = current()/@id]/@name, $hidden, $shown)"/></xsl:otherwise>
                  </xsl:choose>
                </td>
                <td><xsl:call-template name="side-letter"/></td>
                <td class="num">
                  <xsl:for-each select="r:point">
                    <xsl:if test="position() > 1"> &#8594; </xsl:if>
                    <xsl:value-of select="round(@value * 100) div 100"/>
                    <xsl:if test="@side"><xsl:value-of select="concat(' ', translate(substring(@side, 1, 1), 'lr', 'LR'))"/></xsl:if>
                  </xsl:for-each>
                </td>
                <td class="num"><xsl:if test="r:best"><xsl:value-of select="round(r:best/@value * 100) div 100"/></xsl:if></td>
                <td><xsl:apply-templates select="r:sincePrevious[@from != ../r:sinceBaseline/@from]"/></td>
                <td><xsl:apply-templates select="r:sinceBaseline"/></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
        <xsl:if test="r:line/r:sinceBaseline[@verdict = 'not-judged']">
          <p class="small"><span class="noref">Not judged</span>: no source gives the figure's measurement error, so a change cannot be told from noise; it is shown, not judged.</p>
        </xsl:if>
      </section>
    </xsl:for-each>
  </xsl:template>

  <!-- A course line's name: the test's label and side, or the instrument's name. -->
  <xsl:template name="course-name">
    <xsl:param name="session"/>
    <xsl:choose>
      <xsl:when test="@kind = 'test'">
        <xsl:value-of select="translate(key('test', @id)/@label, $hidden, $shown)"/>
        <xsl:if test="@side"><xsl:value-of select="concat(' ', translate(substring(@side, 1, 1), 'lr', 'LR'))"/></xsl:if>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="translate($session/r:outcome[@instrument = current()/@id]/@name, $hidden, $shown)"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A change in the course table: the amount, the percentage, the days, the verdict. -->
  <xsl:template match="r:sincePrevious | r:sinceBaseline">
    <xsl:if test="@change >= 0">+</xsl:if><xsl:value-of select="concat(round(@change * 100) div 100, ' in ', @days, ' days')"/>
    <xsl:if test="@percent and ../@kind != 'asymmetry'"><xsl:value-of select="concat(' (', substring('+', 1, number(@percent >= 0)), round(@percent * 10) div 10, '%)')"/></xsl:if>
    <xsl:choose>
      <xsl:when test="@verdict = 'improved'">: <strong>improved</strong></xsl:when>
      <xsl:when test="@verdict = 'worsened'">: <strong class="no">worse</strong></xsl:when>
      <xsl:when test="@verdict = 'within-error'">: within measurement error</xsl:when>
      <xsl:otherwise>: <span class="noref">not judged</span></xsl:otherwise>
    </xsl:choose>
    <xsl:call-template name="cite"><xsl:with-param name="ids" select="@source"/></xsl:call-template>
    <xsl:if test="@caveat"><span class="small"><xsl:value-of select="translate(concat(' (', @caveat, ')'), $hidden, $shown)"/></span></xsl:if>
  </xsl:template>

  <!-- One chart of the course: time to scale (days since the baseline), the value axis scaled
       to the figures and the band, the first line solid (left, or the only one) and the second
       dashed (right), each point filled by its grade. -->
  <xsl:template name="course-chart">
    <xsl:param name="lines"/>
    <xsl:param name="title"/>
    <xsl:variable name="first" select="$lines[1]"/>
    <!-- The least and the greatest of a dozen figures by comparison, not xsl:sort: a sort
         builds a result tree per chart and was the chart's largest cost. -->
    <xsl:variable name="lows" select="$lines/r:point/@value | $first/@bandLow | $first/r:threshold/@value | $lines/@normalLow | $lines/@normalHigh"/>
    <xsl:variable name="highs" select="$lines/r:point/@value | $first/@bandHigh | $first/r:threshold/@value | $lines/@normalLow | $lines/@normalHigh"/>
    <xsl:variable name="dayList" select="$lines/r:point/@day"/>
    <xsl:variable name="lowText" select="$lows[not(. &gt; $lows)][1]"/>
    <xsl:variable name="highText" select="$highs[not(. &lt; $highs)][1]"/>
    <xsl:variable name="daysText" select="$dayList[not(. &lt; $dayList)][1]"/>
    <xsl:variable name="rawSpan" select="number($highText) - number($lowText)"/>
    <!-- A tenth of the span above and below (1 when every figure is the same). -->
    <xsl:variable name="pad" select="($rawSpan > 0) * $rawSpan * 0.1 + not($rawSpan > 0) * 1"/>
    <xsl:variable name="low" select="number($lowText) - $pad"/>
    <xsl:variable name="span" select="$rawSpan + 2 * $pad"/>
    <xsl:variable name="days" select="(number($daysText) > 0) * number($daysText) + not(number($daysText) > 0) * 1"/>
    <figure class="chart">
      <figcaption><strong><xsl:value-of select="translate($title, $hidden, $shown)"/></strong>
        <xsl:if test="count($lines) = 2">: left solid, right dashed</xsl:if></figcaption>
      <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 150" width="100%" role="img"
           aria-label="{translate(concat($title, ' over the visits'), $hidden, $shown)}">
        <line x1="70" y1="120" x2="590" y2="120" class="axis"/>
        <line x1="70" y1="10" x2="70" y2="120" class="axis"/>
        <text x="64" y="124" class="t end"><xsl:value-of select="round(($low + $pad) * 100) div 100"/></text>
        <text x="64" y="24" class="t end"><xsl:value-of select="round(($low + $span - $pad) * 100) div 100"/></text>
        <!-- The norm's normal range (the first line's: left and right share a norm), lightly
             filled inside a dotted edge from its limit to the chart's edge where it is open
             that way, with its word; the baseline's band is drawn over it. -->
        <xsl:if test="$first/@normalLow or $first/@normalHigh">
          <xsl:variable name="top" select="round((120 - (sum($first/@normalHigh) - $low) div $span * 110) * 10 * boolean($first/@normalHigh) + 100 * not($first/@normalHigh)) div 10"/>
          <xsl:variable name="bottom" select="round((120 - (sum($first/@normalLow) - $low) div $span * 110) * 10 * boolean($first/@normalLow) + 1200 * not($first/@normalLow)) div 10"/>
          <rect x="80" y="{$top}" width="500" height="{round(($bottom - $top) * 10) div 10}" class="normrange"/>
          <text x="578" y="{$top + 12}" class="t end">normal</text>
        </xsl:if>
        <xsl:if test="$first/@bandLow">
          <xsl:variable name="bandTop" select="120 - ($first/@bandHigh - $low) div $span * 110"/>
          <rect x="80" y="{round($bandTop * 10) div 10}" width="500" height="{round(($first/@bandHigh - $first/@bandLow) div $span * 110 * 10) div 10}" class="band"/>
        </xsl:if>
        <!-- Where each grade begins (an asymmetry's thresholds), dashed, with the grade's word. -->
        <xsl:for-each select="$first/r:threshold">
          <xsl:variable name="ty" select="round((120 - (@value - $low) div $span * 110) * 10) div 10"/>
          <line x1="80" y1="{$ty}" x2="580" y2="{$ty}" class="threshold"/>
          <text x="578" y="{$ty - 3}" class="t end"><xsl:value-of select="@grade"/></text>
        </xsl:for-each>
        <xsl:for-each select="$first/r:point">
          <text x="{round((80 + @day div $days * 500) * 10) div 10}" y="138" class="t mid"><xsl:value-of select="@date"/></text>
        </xsl:for-each>
        <xsl:for-each select="$lines">
          <xsl:variable name="second" select="position() = 2"/>
          <polyline class="line{substring(' second', 1, 7 * $second)}">
            <xsl:attribute name="points">
              <xsl:for-each select="r:point">
                <xsl:value-of select="concat(round((80 + @day div $days * 500) * 10) div 10, ',', round((120 - (@value - $low) div $span * 110) * 10) div 10, ' ')"/>
              </xsl:for-each>
            </xsl:attribute>
          </polyline>
          <xsl:for-each select="r:point">
            <circle cx="{round((80 + @day div $days * 500) * 10) div 10}" cy="{round((120 - (@value - $low) div $span * 110) * 10) div 10}" r="4" class="pt {@grade}"/>
          </xsl:for-each>
        </xsl:for-each>
      </svg>
    </figure>
  </xsl:template>

  <!-- ============================================================ sources -->
  <!-- Footnotes: the sources this session cites, numbered by their place in the protocol's
       list, so that a number means the same source on every page; each with its evidence tag. -->
  <xsl:template name="sources">
    <!-- Every source id the session cites, each between spaces: one string searched once per
         source (testing each source against every @source made this the slowest section).
         The course of care is read to the depth report.xsd gives its changes (a line's
         sinceBaseline and sincePrevious) rather than by descending into every point of every
         line, which was a tenth of a course's page; CourseOfCareReportTests holds this to
         .//@source on a course. -->
    <xsl:variable name="citations">
      <xsl:for-each select="*[not(self::r:courseOfCare)]/descendant-or-self::*/@source | r:courseOfCare/@source | r:courseOfCare/*/@source | r:courseOfCare/*/*/@source"><xsl:value-of select="concat(' ', ., ' ')"/></xsl:for-each>
    </xsl:variable>
    <xsl:variable name="cited" select="string($citations)"/>
    <section class="block sources">
      <h2>Sources</h2>
      <ol class="sources">
        <xsl:for-each select="/r:report/r:sources/r:source">
          <xsl:variable name="id" select="concat(' ', @id, ' ')"/>
          <xsl:if test="contains($cited, $id)">
            <li value="{position()}">
              <xsl:value-of select="translate(., $hidden, $shown)"/>
              <xsl:if test="@kind != 'cited'"><xsl:value-of select="translate(concat(' (', @kind, ')'), $hidden, $shown)"/></xsl:if>
            </li>
          </xsl:if>
        </xsl:for-each>
      </ol>
    </section>
  </xsl:template>

  <!-- "a, b, c" for a space-separated list of words. -->
  <xsl:template name="words">
    <xsl:param name="list"/>
    <xsl:if test="$list != ''">
      <xsl:value-of select="translate(substring-before(concat($list, ' '), ' '), $hidden, $shown)"/>
      <xsl:if test="contains($list, ' ')">
        <xsl:text>, </xsl:text>
        <xsl:call-template name="words"><xsl:with-param name="list" select="substring-after($list, ' ')"/></xsl:call-template>
      </xsl:if>
    </xsl:if>
  </xsl:template>

  <!-- [n] for each source id in a space-separated list. -->
  <xsl:template name="cite">
    <xsl:param name="ids"/>
    <xsl:variable name="list" select="normalize-space($ids)"/>
    <xsl:if test="$list != ''">
      <xsl:for-each select="key('source', substring-before(concat($list, ' '), ' '))">
        <sup class="cite"><xsl:value-of select="translate(concat('[', count(preceding-sibling::r:source) + 1, ']'), $hidden, $shown)"/></sup>
      </xsl:for-each>
      <xsl:if test="contains($list, ' ')">
        <xsl:call-template name="cite"><xsl:with-param name="ids" select="substring-after($list, ' ')"/></xsl:call-template>
      </xsl:if>
    </xsl:if>
  </xsl:template>

  <!-- ============================================================ style -->
  <!-- System fonts; grades told by word and border, never by colour alone; no chart or table
       row split across pages; one patient per page set. -->
  <xsl:variable name="css">
    body { font-family: system-ui, "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt;
           color: #000; background: #fff; margin: 0 auto; max-width: 186mm; line-height: 1.3; }
    h1 { font-size: 16pt; margin: 0 0 4pt; }
    h2 { font-size: 12pt; margin: 10pt 0 4pt; border-bottom: 1px solid #000; break-after: avoid; }
    .clinic { font-size: 10pt; text-align: right; }
    .small { font-size: 8.5pt; font-weight: normal; }
    .patient + .patient { break-before: page; }
    figure, tr, li, .adjunct, table.facts { break-inside: avoid; }
    caption, thead { break-after: avoid; }
    figure { margin: 4pt 0; }
    figcaption { font-size: 9.5pt; }
    table { border-collapse: collapse; width: 100%; margin: 2pt 0 6pt; }
    caption { text-align: left; font-weight: bold; }
    th, td { text-align: left; padding: 1pt 4pt; vertical-align: middle; border-bottom: 0.5pt solid #999; }
    table.facts th, table.facts td { border: none; }
    table.facts th { font-weight: normal; color: #333; width: 17%; }
    .num { text-align: right; white-space: nowrap; }
    .date { white-space: nowrap; }
    svg { max-width: 100%; height: auto; }
    svg.dot { width: 40mm; }
    svg.dot .t { font-size: 15px; }
    .t { font-size: 12px; fill: #000; }
    .mid { text-anchor: middle; }
    .track { fill: #fff; stroke: #000; stroke-width: 0.8; }
    .band { fill: #ccc; }
    .normrange { fill: #eee; stroke: #000; stroke-width: 0.6; stroke-dasharray: 1 2; }
    .bar { fill: #555; }
    .tick, .axis { stroke: #000; stroke-width: 1; }
    .mark { fill: #000; }
    .other { fill: #fff; stroke: #000; stroke-width: 2; }
    .affected { fill: #000; }
    .line { fill: none; stroke: #000; stroke-width: 2; }
    .line.second { stroke-dasharray: 6 3; }
    .threshold { stroke: #000; stroke-width: 0.8; stroke-dasharray: 2 3; }
    .end { text-anchor: end; }
    .pt { fill: #fff; stroke: #000; stroke-width: 1.5; }
    .pt.mild { fill: #fff3c4; }
    .pt.moderate { fill: #ffd9a8; stroke-width: 2.5; }
    .pt.severe { fill: #ffb3ab; stroke-width: 3; }
    .grade { padding: 0 3pt; border: 1px solid #000; border-radius: 2pt; white-space: nowrap; }
    .grade.normal { border-style: dotted; }
    .grade.mild { border-style: dashed; background: #fff3c4; }
    .grade.moderate { border-width: 2px; background: #ffd9a8; }
    .grade.severe { border-style: double; border-width: 3px; background: #ffb3ab; font-weight: bold; }
    .noref { font-style: italic; }
    .no { text-decoration: underline; }
    .cite { font-size: 7pt; }
    ol.sources { font-size: 8pt; padding-left: 18pt; }
    @media print { body { max-width: none; } a { color: #000; } }
  </xsl:variable>
</xsl:stylesheet>
